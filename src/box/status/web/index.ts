// The box's status page: see server.ts.
export { buildStatusApp, startStatusServer, LOCKOUT, type StatusServer, type StatusServerOptions } from './server.js';
export { DEFAULT_LOGIN_LIMITS, type LoginLimits } from './routes/login.js';
export { StatusViews, type StatusView, type LineView, type AlarmView } from './view.js';
export { ADVICE, type Advice, type AnyAlarmKind } from './advice.js';
