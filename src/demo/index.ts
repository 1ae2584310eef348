/**
 * The demo data generator: a made-up beauty shop (catalogue, product images
 * and shopping sessions) for `rouge serve --demo` and for benchmarks. Seeded,
 * so the same options give the same data; events stream, so a million of them
 * never sit in memory at once.
 */
export { generateCatalog } from './catalog.js';
export { generateEvents } from './events.js';
export { demoImagePng } from './image.js';
export type { DemoEvent, DemoItem, DemoOptions } from './types.js';
export { demoModule } from './module.js';
export type { DemoFace } from './module.js';
export { loadDemo, DEMO_PROJECT } from './load.js';
