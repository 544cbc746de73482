export { Engine, HANDOFF } from './engine.js';
export type { EngineOptions } from './engine.js';
export type { ClientInfo, QueryContext } from './context.js';
export { queryChannel } from './events.js';
export type { QueryEvent, QueryView } from './events.js';
export { transferMessages } from './transfer.js';
export { GeoStage, luaErrorChannel } from './geo-stage.js';
export type { GeoStageOptions, LuaErrorEvent } from './geo-stage.js';
export { AliasStage } from './alias-stage.js';
