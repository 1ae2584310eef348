import { describe, expect, it } from 'vitest';
import { validatePipeline } from '../validate.js';
import { commandStep } from './command.js';
import { ProcessExecutor } from './command-process.js';

describe('command steps in production', () => {
  it('are refused when the pipeline is applied, and when a step would run, unless --allow-command-steps', async () => {
    const off = commandStep({ allowed: false, holds: async () => true, executor: new ProcessExecutor() });
    const spec = { name: 'p', steps: [{ name: 'train', kind: 'command', with: { command: ['python3', 'train.py'] } }] };
    expect(() => validatePipeline(spec, new Map([['command', off]]))).toThrow(/--allow-command-steps/);
    const ctx = { project: 'p', run: 'r', step: 'train', try: 1, attempt: 1, principal: 'user:admin', signal: new AbortController().signal, log: async () => undefined };
    await expect(off.run({ command: ['true'] }, ctx)).rejects.toThrow(/--allow-command-steps/);
    const revoked = commandStep({ allowed: true, holds: async () => false, executor: new ProcessExecutor() });
    await expect(revoked.run({ command: ['true'] }, ctx)).rejects.toThrow(/no longer holds pipelines\.commandSteps\.create/);
  });
});
