import { describe, expect, it } from 'vitest';
import { PLATFORM_ROLES, RoleTable } from './roles.js';

describe('RoleTable', () => {
  it('gives a grant to the role and to every role that inherits it, and orgAdmin everything', () => {
    const table = new RoleTable(PLATFORM_ROLES, [{ viewer: ['notes.notes.get'], predictor: ['notes.notes.read'] }]);
    for (const role of ['viewer', 'editor', 'admin', 'orgAdmin']) expect(table.grants(role, 'notes.notes.get'), role).toBe(true);
    expect(table.grants('predictor', 'notes.notes.get')).toBe(false);
    expect(table.grants('orgAdmin', 'notes.notes.read')).toBe(true);
    expect(table.grants('editor', 'notes.notes.read')).toBe(false);
  });

  it('builds a module role from what it inherits plus its own permissions, and makes it bindable', () => {
    const table = new RoleTable([...PLATFORM_ROLES, { name: 'adsManager', description: 'ads', inherits: ['viewer'], permissions: ['ads.advertisers.create'] }]);
    expect(table.grants('adsManager', 'ads.advertisers.create')).toBe(true);
    expect(table.grants('adsManager', 'resourcemanager.projects.get')).toBe(true);
    expect(table.grants('adsManager', 'iam.bindings.create')).toBe(false);
    expect(table.grants('orgAdmin', 'ads.advertisers.create')).toBe(true);
    expect(table.bindableRoles()).toContain('adsManager');
    expect(table.bindableRoles()).not.toContain('orgAdmin');
    expect(table.rolesGranting('ads.advertisers.create')).toEqual(['adsManager']);
  });

  it('refuses a grant to an unknown role, an unknown parent, a cycle and a role defined twice', () => {
    expect(() => new RoleTable(PLATFORM_ROLES, [{ nobody: ['x.y.z'] }])).toThrow(/unknown role nobody/);
    expect(() => new RoleTable([...PLATFORM_ROLES, { name: 'a', description: '', inherits: ['ghost'] }])).toThrow(/inherits unknown role ghost/);
    expect(() => new RoleTable([{ name: 'a', description: '', inherits: ['b'] }, { name: 'b', description: '', inherits: ['a'] }])).toThrow(/cycle/);
    expect(() => new RoleTable([...PLATFORM_ROLES, { name: 'viewer', description: '' }])).toThrow(/defined twice/);
  });

  it('keeps two tables apart: one app\'s module grants never reach another app', () => {
    const withNotes = new RoleTable(PLATFORM_ROLES, [{ viewer: ['notes.notes.get'] }]);
    const bare = new RoleTable(PLATFORM_ROLES);
    expect(withNotes.grants('viewer', 'notes.notes.get')).toBe(true);
    expect(bare.grants('viewer', 'notes.notes.get')).toBe(false);
  });
});
