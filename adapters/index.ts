/** The host farm's public face: what the harness and scenarios use. */
export { HostFarm, FarmConfigError, type HostFarmOptions, type HostState } from './host-farm.js';
export { uniformHosts, DEFAULT_HOSTS, type HostSpec } from './host.js';
export type { FarmEvent, FarmEventType, NetMsg } from './farm-events.js';
export {
  LatencyModelSchema,
  DEFAULT_LATENCY,
  TM_VERBS,
  type LatencyModel,
  type LatencyModelInput,
  type TmVerb,
} from './latency-model.js';
export {
  FaultPlanSchema,
  OperationFaultSchema,
  HostFaultSchema,
  FAULT_OPERATIONS,
  type FaultPlan,
  type FaultPlanInput,
  type FaultOperation,
  type OperationFault,
  type HostFault,
} from './faults.js';
export { FarmInstrument, FLIGHT_KINDS, type FlightKind, type FarmSummary, type HostSummary } from './instrument.js';
export { StepSeries } from './step-series.js';
export { monitorValues } from './im-driver.js';
export { madLauncher, driverPool, type FarmLauncher, type DriverKind } from './mad-drivers.js';
