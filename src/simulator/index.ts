export {
  DEFAULT_CONFIG,
  DEFAULT_PROFILES,
  type DayProgress,
  resolveConfig,
  SIMULATOR_CONFIG_VERSION,
  type SimulateOptions,
  type SimulatorConfig,
} from './config.ts';
export { type SimulationSummary, simulate } from './simulate.ts';
