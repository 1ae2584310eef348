import type { Command } from 'commander';
import { addGlobalOptions } from '../kit/options.js';
import { registerAdsCommands } from './ads.js';
import { registerApplyCommands } from './apply.js';
import { registerAuditCommand } from './audit.js';
import { registerBindingCommands } from './bindings.js';
import { registerCatalogCommands } from './catalog.js';
import { registerEndpointCommands } from './endpoints.js';
import { registerEventCommands } from './events.js';
import { registerFeedCommands } from './feeds.js';
import { registerKeyCommands } from './keys.js';
import { registerLoginCommand } from './login.js';
import { registerModelCommands } from './models.js';
import { registerOperationCommands } from './operations.js';
import { registerPipelineCommands } from './pipelines.js';
import { registerTriggerCommands } from './triggers.js';
import { registerPredictCommand } from './predict.js';
import { registerProjectCommands } from './projects.js';
import { registerRecommenderCommands } from './recommenders.js';
import { registerServiceAccountCommands } from './service-accounts.js';
import { registerTagCommands } from './tags.js';
import { registerUserCommands } from './users.js';
import { registerWhoamiCommand } from './whoami.js';

/** Registers every API command (`rouge <resource> <verb>`) on the program. */
export function registerApiCommands(program: Command): void {
  // login has options of its own (it writes a profile rather than reading one).
  registerLoginCommand(program);
  const before = program.commands.length;
  registerWhoamiCommand(program);
  registerProjectCommands(program);
  registerUserCommands(program);
  registerServiceAccountCommands(program);
  registerKeyCommands(program);
  registerBindingCommands(program);
  registerAuditCommand(program);
  registerModelCommands(program);
  registerOperationCommands(program);
  registerEndpointCommands(program);
  registerPredictCommand(program);
  registerCatalogCommands(program);
  registerEventCommands(program);
  registerRecommenderCommands(program);
  registerPipelineCommands(program);
  registerTriggerCommands(program);
  registerAdsCommands(program);
  registerTagCommands(program);
  registerFeedCommands(program);
  registerApplyCommands(program);
  // Added last, so each command's --help lists its own options first.
  const leaves = (c: Command): Command[] => (c.commands.length ? c.commands.flatMap(leaves) : [c]);
  for (const cmd of program.commands.slice(before).flatMap(leaves)) addGlobalOptions(cmd);
}
