import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, STORE_KINDS } from '../../../test/helpers/stores.js';
import { RougeError } from '../errors/index.js';
import type { Store } from '../store/index.js';
import { Authorizer } from './authorizer.js';
import { PLATFORM_ROLES, RoleTable } from './roles.js';
import { IamStore } from './store.js';

const roles = new RoleTable(PLATFORM_ROLES, [{ predictor: ['test.endpoints.predict'], viewer: ['test.endpoints.get'] }]);

describe.each(STORE_KINDS)('Authorizer on %s', (kind) => {
  let store: Store;
  let iam: IamStore;
  let authz: Authorizer;
  beforeEach(async () => {
    store = await openTestStore(kind);
    await store.migrate();
    iam = new IamStore(store);
    authz = new Authorizer(iam, 0, roles);
  });
  afterEach(async () => {
    await store.close();
  });

  const bind = (project: string, principal: string, role: string, resource = '') =>
    iam.insertBinding({ project, principal, role, resource, create_time: new Date().toISOString() });
  const denied = async (p: Promise<void>) => {
    const err = await p.catch((e: unknown) => e);
    return err instanceof RougeError && err.reason === 'PERMISSION_DENIED';
  };

  it('lets a binding on one resource cover that resource only', async () => {
    await bind('ds', 'serviceAccount:web@sf', 'predictor', 'endpoints/ctr');
    await expect(authz.check('serviceAccount:web@sf', 'test.endpoints.predict', 'ds', 'endpoints/ctr')).resolves.toBeUndefined();
    expect(await denied(authz.check('serviceAccount:web@sf', 'test.endpoints.predict', 'ds', 'endpoints/other'))).toBe(true);
    expect(await denied(authz.check('serviceAccount:web@sf', 'test.endpoints.predict', 'other', 'endpoints/ctr'))).toBe(true);
  });

  it('lets a project binding cover every resource in the project (inherited downward)', async () => {
    await bind('ds', 'user:alice', 'viewer');
    await expect(authz.check('user:alice', 'test.endpoints.get', 'ds', 'endpoints/anything')).resolves.toBeUndefined();
    expect(await denied(authz.check('user:alice', 'test.endpoints.predict', 'ds', 'endpoints/anything'))).toBe(true);
  });

  it('lets orgAdmin do anything anywhere, including new permissions', async () => {
    await bind('', 'user:root', 'orgAdmin');
    await expect(authz.check('user:root', 'test.endpoints.predict', 'any', 'endpoints/x')).resolves.toBeUndefined();
    await expect(authz.check('user:root', 'resourcemanager.projects.create', '', '')).resolves.toBeUndefined();
  });

  it('names the permission and the roles that grant it when it denies', async () => {
    const err = await authz.check('user:nobody', 'test.endpoints.predict', 'ds', 'endpoints/ctr').catch((e: RougeError) => e);
    expect((err as RougeError).message).toBe('user:nobody lacks permission test.endpoints.predict on projects/ds/endpoints/ctr; ask a project admin for a binding with role predictor.');
  });
});
