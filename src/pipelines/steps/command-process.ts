import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StepContext } from '../kinds.js';
import type { CommandExecutor, CommandRun } from './command.js';
import type { CommandOutput } from './command-output.js';

/** What a process keeps of the worker's environment: enough to find programs and print text, no secret. */
const KEEP_ENV = ['PATH', 'LANG', 'LC_ALL', 'TZ'];

/**
 * Runs a command step as a child process of the worker (the default, and the
 * embedded deployment's only choice): the argv with no shell, in a fresh
 * temporary directory that is its HOME, with the step's environment plus
 * PATH and the locale. It is killed on cancel or timeout (the step's signal).
 * A worker killed with SIGKILL cannot kill it: the child then runs on alone
 * while another worker runs the step again, which is one more reason command
 * steps must be idempotent.
 */
export class ProcessExecutor implements CommandExecutor {
  readonly name = 'process';

  async run(cmd: CommandRun, ctx: StepContext, output: CommandOutput): Promise<{ exitCode: number }> {
    const ignored = (['image', 'resources', 'serviceAccountName'] as const).filter((k) => cmd[k] !== undefined);
    if (ignored.length) await ctx.log(`${ignored.join(', ')} apply on Kubernetes only: this worker runs command steps as processes (--command-executor process)`);
    const dir = await mkdtemp(join(tmpdir(), 'rouge-step-'));
    const env: Record<string, string> = {};
    for (const k of KEEP_ENV) if (process.env[k] !== undefined) env[k] = process.env[k]!;
    Object.assign(env, { HOME: dir }, cmd.env);
    const [file, ...args] = cmd.argv as [string, ...string[]];
    try {
      const code = await new Promise<number | string>((resolve, reject) => {
        const child = spawn(file, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
        const kill = () => child.kill('SIGKILL');
        ctx.signal.addEventListener('abort', kill, { once: true });
        output.stream(child.stdout!);
        output.stream(child.stderr!, 'stderr: ');
        child.on('error', (e) => reject(new Error(`cannot start ${file}: ${e.message}`)));
        child.on('close', (c, sig) => {
          ctx.signal.removeEventListener('abort', kill);
          resolve(c ?? sig ?? 'killed');
        });
      });
      ctx.signal.throwIfAborted();
      if (code !== 0) throw new Error(`${file} exited with ${code}`);
      return { exitCode: 0 };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
