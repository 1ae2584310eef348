import type { ResourceKind } from '../modules/module.js';
import * as errors from './errors.js';

const ID = /^[a-z0-9][a-z0-9._-]{0,127}$/;

/**
 * The resource kinds bindings may name, as modules declare them. A binding on
 * `advertisers/acme` is refused unless some module declared `advertisers` and
 * its check finds `acme` in the project, so a typo cannot grant a role on
 * something that does not exist (GCP refuses such a binding the same way).
 */
export class ResourceKinds {
  private readonly kinds = new Map<string, ResourceKind>();

  add(kind: ResourceKind): void {
    if (this.kinds.has(kind.collection)) throw new Error(`resource kind ${kind.collection} is declared twice`);
    this.kinds.set(kind.collection, kind);
  }

  /** The collections in `kind/{id}` form, for messages. */
  names(): string[] {
    return [...this.kinds.keys()].map((c) => `${c}/{id}`);
  }

  /** Throws BINDING_RESOURCE_INVALID for a malformed or undeclared kind, BINDING_RESOURCE_NOT_FOUND for a missing one. */
  async check(project: string, resource: string): Promise<void> {
    const slash = resource.indexOf('/');
    const collection = slash > 0 ? resource.slice(0, slash) : '';
    const id = slash > 0 ? resource.slice(slash + 1) : '';
    const kind = this.kinds.get(collection);
    if (!kind || !ID.test(id)) throw errors.BINDING_RESOURCE_INVALID({ resource, kinds: this.names().join(', ') || '(none in this deployment)' });
    if (!(await kind.exists(project, id))) throw errors.BINDING_RESOURCE_NOT_FOUND({ resource: `projects/${project}/${resource}` });
  }
}
