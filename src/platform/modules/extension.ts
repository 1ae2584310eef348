/**
 * A typed hook one module offers and others fill: the registry offers
 * `frameworks`, serving offers `runtimes`. The owner defines the point and reads
 * what was contributed; a contributor needs only the owner's `index.ts`. This is
 * how a later module adds a model kind without the registry knowing it exists.
 */
export interface ExtensionPoint<T> {
  readonly id: string;
  /** Never set: carries `T` so contributions are type-checked. */
  readonly __type?: T;
}

/** One value for one point, as a module declares it in `contributes`. */
export interface Contribution<T = unknown> {
  readonly point: ExtensionPoint<T>;
  readonly value: T;
}

/**
 * Defines an extension point. Its id names the owner (`registry.frameworks`).
 *
 * @example
 * export const FRAMEWORKS = extensionPoint<ModelFramework>('registry.frameworks');
 */
export function extensionPoint<T>(id: string): ExtensionPoint<T> {
  return { id };
}

/**
 * A contribution to a point, for a module's static `contributes` list.
 *
 * @example
 * contributes: [contribute(FRAMEWORKS, recsFramework)]
 */
export function contribute<T>(point: ExtensionPoint<T>, value: T): Contribution<T> {
  return { point, value };
}

/**
 * Everything contributed in one app. Owners read lazily (`list` at use), so a
 * module that contributes during its setup, after the owner was built, is seen.
 */
export class Contributions {
  private readonly byPoint = new Map<string, unknown[]>();

  add<T>(point: ExtensionPoint<T>, value: T): void {
    const list = this.byPoint.get(point.id) ?? [];
    list.push(value);
    this.byPoint.set(point.id, list);
  }

  list<T>(point: ExtensionPoint<T>): readonly T[] {
    return (this.byPoint.get(point.id) ?? []) as T[];
  }
}
