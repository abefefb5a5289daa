/**
 * Foreman's ingestion engine (see docs/architecture.md, "The ingestion protocol"). Runs in Node and in
 * browsers; the Node-only edges live in `./node`.
 */
export * from './engine';
export * from './errors';
export * from './models';
export * from './reader';
export * from './report';
export * from './repeats';
export * from './resume';
export * from './retry';
export * from './sender';
export * from './sniff';
export * from './validate';
export * from './verify';
export { plainNumber, serialDate } from './numbers';
export * from './savedMappings';
export * from './check';
