/**
 * The catalog: products (items) and what shoppers do (user events), their
 * ingestion (single writes, batches, import Operations from JSONL, CSV or the
 * blob store) and the query-to-category index that recommendations, sponsored
 * products and tagging share.
 */

export { catalogModule } from './module.js';
export type { CatalogFace } from './module.js';
export { catalogMigration } from './tables.js';
export { catalogMigrations } from './migrations.js';
export type { Item, ItemInput } from './items.js';
export type { UserEvent } from './events.js';
export type { CategoryNode, SearchResponse } from './item-service.js';
export type { SearchHits } from './search-index.js';
export type { CategoryMatch } from './category-rank.js';
export type { CategoryMatchResult, QueryCacheStats } from './query-cache.js';
export type { ImportResult } from './imports.js';
export { ItemService } from './item-service.js';
export { EventService, type AttributedEvent, type RecentEvent } from './event-service.js';
export { CATALOG_CHANNEL } from './search-index.js';
export * as CatalogErrors from './errors.js';
export { createCatalog } from './catalog.js';
export type { Catalog, CatalogDeps } from './catalog.js';
export { parseItemFilter, ITEM_FILTER_FIELDS } from './item-filter.js';
export { searchTerms } from './text.js';
export { isCurrency, minorDigits } from './money.js';
export type { EventsFileCounts } from './events-file.js';
export { EVENT_SINKS, type EventSink } from './event-sinks.js';
