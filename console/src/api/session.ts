/**
 * The signed-in key lives in sessionStorage: it survives a reload of the tab
 * but not closing it, is never put in a URL, and is not shared with other tabs.
 */
const KEY = 'rouge.console.key';
const PROJECT = 'rouge.console.project';

/** The key of this tab's session, if signed in. */
export function storedKey(): string | null {
  return sessionStorage.getItem(KEY);
}

export function storeKey(key: string): void {
  sessionStorage.setItem(KEY, key);
}

/** Forgets the key (sign out, or the API said it is no longer valid). */
export function forgetKey(): void {
  sessionStorage.removeItem(KEY);
}

/** The project picked last in this tab, to open it again after sign-in. */
export function lastProject(): string | null {
  return sessionStorage.getItem(PROJECT);
}

export function rememberProject(project: string): void {
  sessionStorage.setItem(PROJECT, project);
}
