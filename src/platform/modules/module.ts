import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Kysely, Migration } from 'kysely';
import type { Registry } from 'prom-client';
import type { BlobStore } from '../blobs/index.js';
import type { Cache } from '../cache/index.js';
import type { Config, Role } from '../config/index.js';
import type { EventOutbox } from '../events/index.js';
import type { HandlerOptions, JobHandler, JobWorker, Jobs } from '../jobs/index.js';
import type { ProjectHold, ProjectService } from '../projects/index.js';
import type { Store } from '../store/index.js';
import type { Contribution, ExtensionPoint } from './extension.js';

/**
 * A role a module defines. It holds its own permissions and everything the
 * roles it inherits hold (GCP's predefined roles work the same way);
 * `orgAdmin` holds every role's permissions.
 */
export interface RoleDefinition {
  name: string;
  description: string;
  /** Roles whose permissions this one also holds (`viewer`, another module's role). */
  inherits?: readonly string[];
  permissions?: readonly string[];
  /** Where a binding may grant it: in a project (the default), or for the whole organisation. */
  scope?: 'project' | 'organisation';
}

/**
 * A kind of resource a binding may name under a project (`advertisers/{a}`),
 * with the check that refuses a binding on one that does not exist.
 */
export interface ResourceKind {
  /** The collection segment: `endpoints` in `endpoints/{e}`. */
  collection: string;
  exists(project: string, id: string): Promise<boolean>;
}

/** A job kind a module runs on the worker role. */
export interface JobDeclaration extends HandlerOptions {
  kind: string;
  handler: JobHandler;
}

/** Registers a module's routes for one process role. */
export type RouteRegistrar = (app: FastifyInstance) => void | Promise<void>;

/** What a module's `setup` hands back to the app. Every part is optional but `face`. */
export interface ModuleParts<Face> {
  /** What other modules get from `ctx.use(thisModule)`: services, never stores. */
  face: Face;
  /**
   * Routes per process role. Every role's routes are registered in every
   * process, so the route table is complete everywhere; a process that does
   * not run a role answers its routes with 404 `ROUTE_ON_OTHER_ROLE`.
   */
  routes?: Partial<Record<Role, RouteRegistrar>>;
  /** Job kinds, registered only where the worker role runs. */
  jobs?: readonly JobDeclaration[];
  /** Resource kinds that bindings may name. */
  resources?: readonly ResourceKind[];
  /** A reason the process is not ready yet (`/readyz` answers 503 with it), or undefined. */
  readiness?: () => Promise<string | undefined>;
  /**
   * Counts what the module holds in a project, inside the deleting
   * transaction; a project that still holds any is not deleted.
   */
  countInProject?: (project: string, db: Kysely<any>) => Promise<{ kind: string; count: number }>;
  /** Deletes the module's rows of a project in the project's deleting transaction. */
  deleteProject?: (project: string, trx: Kysely<any>) => Promise<void>;
  /** Called once the process listens: warm-ups that should not delay the build. */
  start?: () => void | Promise<void>;
  close?: () => Promise<void>;
}

/** What a module is given to build itself: the platform's ports and its peers' faces. */
export interface ModuleContext {
  config: Config;
  /** The roles this process runs. */
  roles: ReadonlySet<Role>;
  store: Store;
  cache: Cache;
  blobs: BlobStore;
  outbox: EventOutbox;
  jobs: Jobs;
  /** This process's worker, when it runs the worker role. */
  worker: JobWorker | undefined;
  /** Checks and holds a project in the transaction that creates something in it. */
  hold: ProjectHold;
  /** Projects, for the rare module that creates one itself (the demo). */
  projects: ProjectService;
  metrics: Registry;
  log: FastifyBaseLogger;
  /**
   * Resolves when the principal holds the permission on the project (or the
   * resource in it), throws PERMISSION_DENIED otherwise: for a handler that
   * shows more to some callers (an auction's debug) without a route of its own.
   */
  authorize(principal: string, permission: string, project: string, resource?: string): Promise<void>;
  /** The face of a module this one `requires`; throws for one it did not declare. */
  use<F>(module: RougeModule<F>): F;
  /** Adds a contribution at build time (one that needs this module's services). */
  contribute<T>(point: ExtensionPoint<T>, value: T): void;
  /** Everything contributed to a point this module owns; read it at use, not once. */
  contributions<T>(point: ExtensionPoint<T>): readonly T[];
}

/**
 * The contract every module's `index.ts` exports: what it declares (name,
 * migrations, permissions, roles, contributions) is read without building it,
 * so `rouge routes`, migrations and the role table need no running server;
 * what it builds comes from `setup`. `buildApp` loops over a list of these.
 *
 * @example
 * export const notesModule: RougeModule<{ notes: NoteService }> = {
 *   name: 'notes',
 *   migrations: { '0001_notes': notesMigration },
 *   permissions: { viewer: ['notes.notes.get'], editor: ['notes.notes.create'] },
 *   setup(ctx) {
 *     const notes = new NoteService(ctx.store);
 *     return { face: { notes }, routes: { api: (app) => registerNoteRoutes(app, notes) } };
 *   },
 * };
 */
export interface RougeModule<Face = unknown> {
  /** Lower-case; also the namespace of the module's migrations. */
  readonly name: string;
  /** Modules whose faces `setup` uses; the app builds them first. */
  readonly requires?: readonly RougeModule<any>[];
  readonly migrations?: Readonly<Record<string, Migration>>;
  /** Permissions added to roles, the platform's or another module's (inherited as roles inherit). */
  readonly permissions?: Readonly<Record<string, readonly string[]>>;
  /** Roles this module defines. */
  readonly roles?: readonly RoleDefinition[];
  /** Contributions to other modules' extension points. */
  readonly contributes?: readonly Contribution<any>[];
  setup(ctx: ModuleContext): ModuleParts<Face> | Promise<ModuleParts<Face>>;
}
