/**
 * A reader that goes away (`stampede run | head -1`, `stampede --help | head`) closes the pipe:
 * the next write fails with EPIPE. That is not the run's failure: the stream is marked closed,
 * later writes are dropped, and the command ends with the run's own exit code.
 */
export function quietWhenClosed<S extends NodeJS.WritableStream & { isTTY?: boolean; columns?: number }>(stream: S): S {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') {
      return;
    }
    throw error;
  });
  return stream;
}
