/**
 * What to do next, in CLI terms, for API reasons whose server message names
 * HTTP routes (`list projects with GET /v1/projects`): the server speaks to
 * every client, the CLI can name its own command.
 */
const HINTS: Record<string, string> = {
  PROJECT_NOT_FOUND: 'list the projects you can see with rouge projects list',
  PROJECT_NOT_EMPTY: 'list what it holds with rouge service-accounts list --project <project>',
  USER_NOT_FOUND: 'list users with rouge users list',
  SERVICE_ACCOUNT_NOT_FOUND: 'list them with rouge service-accounts list --project <project>',
  API_KEY_NOT_FOUND: 'list the keys with rouge keys list <principal>',
  BINDING_NOT_FOUND: 'list bindings with rouge bindings list --project <project>',
  PRINCIPAL_NOT_FOUND: 'create it first with rouge users create or rouge service-accounts create',
  ROUTE_NOT_FOUND: 'is --url a Rouge server, and is it as new as this CLI (rouge --version)?',
  CAMPAIGN_NOT_FOUND: 'list the advertiser\'s campaigns with rouge ads campaigns list --advertiser <advertiser>',
  TOO_MANY_REQUESTS: 'slow down, then retry',
};

/** A CLI hint for an API error reason, if there is one. */
export function hintFor(reason: string): string | undefined {
  return HINTS[reason];
}
