/** The web console's files at /console, and the module list it (and any client) reads. */
export { registerConsoleRoutes } from './routes.js';
export { registerModuleListRoute, type ModuleInfo } from './modules-route.js';
