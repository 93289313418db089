export { BUCKETS, bucket, isSampled, isServedByOrm, roundHalfEven, threshold } from "./hash.js";
export { type Config, type Decision, type ModuleConfig, type Side, type State, STATES, decide, parseConfig } from "./config.js";
export { type RequestScope, currentRequest, withRequest } from "./scope.js";
export { type RunOptions, Shadow, type ShadowOptions, type ShadowStats, errorType } from "./shadow.js";
export { type Encoder, isDecimal, replacer, toJson } from "./wire.js";
export { type OperationShadow, type ShadowExtensionOptions, shadowExtension } from "./prisma.js";
