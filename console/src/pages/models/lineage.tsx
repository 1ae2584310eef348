import { Link } from 'wouter';
import { useSession } from '../../shell/project';
import type { ModelVersion } from './types';

/** `projects/p/pipelineRuns/r/steps/s` → run r, step s; undefined for anything else. */
export function parsePipelineRun(name: string): { run: string; step?: string } | undefined {
  const m = /^projects\/[^/]+\/pipelineRuns\/([^/]+)(?:\/steps\/([^/]+))?$/.exec(name);
  if (!m) return undefined;
  return m[2] ? { run: m[1]!, step: m[2] } : { run: m[1]! };
}

const KNOWN = new Set(['pipelineRun', 'operation', 'parentVersion', 'createdBy']);

/**
 * Where a version came from, as its lineage records it: the pipeline run that
 * trained it (a link to the run's page), the operation, the parent version,
 * who uploaded it, anything else the uploader recorded (training data), and
 * the versions that name this one as their parent.
 */
export function Lineage({ model, version, versions }: { model: string; version: ModelVersion; versions: readonly ModelVersion[] }) {
  const { modules } = useSession();
  const l = version.lineage;
  const run = typeof l.pipelineRun === 'string' ? l.pipelineRun : undefined;
  const parsed = run ? parsePipelineRun(run) : undefined;
  const parent = typeof l.parentVersion === 'number' ? String(l.parentVersion) : undefined;
  const parentExists = parent !== undefined && versions.some((v) => v.versionId === parent);
  const children = versions.filter((v) => String(v.lineage.parentVersion) === version.versionId);
  const versionLink = (id: string) => <Link href={`/models/${encodeURIComponent(model)}?version=${id}`}>v{id}</Link>;
  const extra = Object.entries(l).filter(([k]) => !KNOWN.has(k));
  return (
    <dl>
      <dt>Pipeline run</dt>
      <dd>
        {!run ? <span className="muted">none recorded</span>
          : parsed && modules.has('pipelines') ? <><Link href={`/pipelines/runs/${encodeURIComponent(parsed.run)}`}>{parsed.run}</Link>{parsed.step ? <span className="muted"> step {parsed.step}</span> : null}</>
          : <code>{run}</code>}
      </dd>
      {typeof l.operation === 'string' ? <><dt>Operation</dt><dd><code>{l.operation}</code></dd></> : null}
      <dt>Parent version</dt>
      <dd>{parent === undefined ? <span className="muted">none</span> : parentExists ? versionLink(parent) : <>v{parent} <span className="muted">(deleted)</span></>}</dd>
      <dt>Versions derived from it</dt>
      <dd>{children.length === 0 ? <span className="muted">none</span> : children.map((c, i) => <span key={c.versionId}>{i > 0 ? ', ' : ''}{versionLink(c.versionId)}</span>)}</dd>
      {extra.map(([k, v]) => <LineageField key={k} name={k} value={v} />)}
      {typeof l.createdBy === 'string' ? <><dt>Uploaded by</dt><dd><code>{l.createdBy}</code></dd></> : null}
    </dl>
  );
}

/** A lineage field the console has no special form for (training data, a commit): its value as text. */
function LineageField({ name, value }: { name: string; value: unknown }) {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return <><dt>{name}</dt><dd><code>{text}</code></dd></>;
}
