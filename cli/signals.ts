/** Resolves with the name of the first SIGINT or SIGTERM, and stops listening for them. */
export function untilSignal(signals: Pick<NodeJS.EventEmitter, 'on' | 'off'>): Promise<string> {
  return new Promise<string>((resolve) => {
    const stop = (signal: string) => () => {
      signals.off('SIGINT', onInt);
      signals.off('SIGTERM', onTerm);
      resolve(signal);
    };
    const onInt = stop('SIGINT');
    const onTerm = stop('SIGTERM');
    signals.on('SIGINT', onInt);
    signals.on('SIGTERM', onTerm);
  });
}
