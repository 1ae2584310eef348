import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StepKind } from '../kinds.js';

/** The permission a pipeline with a command step needs, besides defining pipelines: held by orgAdmin only. */
export const COMMAND_PERMISSION = 'pipelines.commandSteps.create';
/** A stdout line `rouge-output: {"key": value}` adds to the step's outputs. */
const OUTPUT = /^rouge-output:\s*(\{.*\})\s*$/;
const KEEP_ENV = ['PATH', 'LANG', 'LC_ALL', 'TZ'];

export interface CommandStepDeps {
  /** False in production without --allow-command-steps: the kind is then refused. */
  allowed: boolean;
  /** Whether the run's principal still holds the permission (checked each time the step runs). */
  holds: (principal: string, permission: string, project: string) => Promise<boolean>;
}

/**
 * Runs a process on the worker: `command` is the argv (no shell, so a
 * parameter is one argument, never interpolated into a command line), in a
 * fresh temporary directory, with a scrubbed environment (PATH and locale,
 * the run's names, the step's `env`: no database URL, pepper or cache
 * credentials). Its output lines go to the step's log; lines
 * `rouge-output: {...}` become its outputs; a non-zero exit fails it. It is
 * killed on cancel or timeout.
 */
export function commandStep(d: CommandStepDeps): StepKind {
  return {
    kind: 'command',
    description: 'run a process on the worker (argv, no shell), with a scrubbed environment; needs pipelines.commandSteps.create',
    permission: COMMAND_PERMISSION,
    ...(d.allowed ? {} : { unavailable: 'this deployment runs in production without --allow-command-steps, so it runs none' }),
    inputs: {
      type: 'object', additionalProperties: false, required: ['command'],
      properties: {
        command: { type: 'array', minItems: 1, maxItems: 200, items: { type: ['string', 'number', 'boolean'] } },
        env: { type: 'object', propertyNames: { pattern: '^[A-Z_][A-Z0-9_]{0,63}$' }, additionalProperties: { type: ['string', 'number', 'boolean'] } },
      },
    },
    async run(inputs, ctx) {
      if (!d.allowed) throw new Error('command steps are off in production: start Rouge with --allow-command-steps to allow them');
      if (!(await d.holds(ctx.principal, COMMAND_PERMISSION, ctx.project))) throw new Error(`${ctx.principal}, who started this run, no longer holds ${COMMAND_PERMISSION}`);
      const argv = (inputs.command as unknown[]).map(String);
      const env: Record<string, string> = {};
      for (const k of KEEP_ENV) if (process.env[k] !== undefined) env[k] = process.env[k]!;
      const dir = await mkdtemp(join(tmpdir(), 'rouge-step-'));
      Object.assign(env, { HOME: dir, ROUGE_PROJECT: ctx.project, ROUGE_PIPELINE_RUN: ctx.run, ROUGE_STEP: ctx.step });
      for (const [k, v] of Object.entries((inputs.env as Record<string, unknown> | undefined) ?? {})) env[k] = String(v);
      const outputs: Record<string, unknown> = {};
      try {
        const code = await new Promise<number | string>((resolve, reject) => {
          const child = spawn(argv[0]!, argv.slice(1), { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
          const kill = () => child.kill('SIGKILL');
          ctx.signal.addEventListener('abort', kill, { once: true });
          const lines = (stream: NodeJS.ReadableStream, prefix: string) => {
            let buf = '';
            stream.setEncoding('utf8');
            stream.on('data', (c: string) => {
              buf += c;
              let i;
              while ((i = buf.indexOf('\n')) >= 0) {
                const line = buf.slice(0, i);
                buf = buf.slice(i + 1);
                const m = OUTPUT.exec(line);
                if (m) {
                  try {
                    Object.assign(outputs, JSON.parse(m[1]!));
                  } catch {
                    void ctx.log(`${prefix}an output line that is not JSON: ${line.slice(0, 200)}`);
                  }
                } else void ctx.log(`${prefix}${line}`);
              }
            });
            stream.on('end', () => buf && void ctx.log(`${prefix}${buf}`));
          };
          lines(child.stdout!, '');
          lines(child.stderr!, 'stderr: ');
          child.on('error', (e) => reject(new Error(`cannot start ${argv[0]}: ${e.message}`)));
          child.on('close', (c, sig) => {
            ctx.signal.removeEventListener('abort', kill);
            resolve(c ?? sig ?? 'killed');
          });
        });
        ctx.signal.throwIfAborted();
        if (code !== 0) throw new Error(`${argv[0]} exited with ${code}`);
        return { exitCode: 0, ...outputs };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
