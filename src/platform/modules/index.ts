/**
 * The module contract: what a module's `index.ts` exports so that `buildApp`
 * can build it, and the extension points through which modules add to each
 * other (model kinds, runtimes) without reaching into each other's files.
 */
export type { RougeModule, ModuleParts, ModuleContext, RoleDefinition, ResourceKind, JobDeclaration, RouteRegistrar } from './module.js';
export { extensionPoint, contribute, Contributions } from './extension.js';
export type { ExtensionPoint, Contribution } from './extension.js';
