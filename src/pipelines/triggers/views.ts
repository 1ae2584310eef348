import type { DeliveryRow } from './tables.js';

/** The API's view of a delivery (a firing of a trigger; a dead letter when DEAD). */
export function deliveryView(d: DeliveryRow) {
  return {
    name: `projects/${d.project}/triggerDeliveries/${d.id}`, deliveryId: d.id, trigger: `projects/${d.project}/triggers/${d.trigger}`, key: d.key, state: d.state,
    run: `projects/${d.project}/pipelineRuns/${d.run}`, parameters: JSON.parse(d.parameters) as Record<string, unknown>,
    ...(d.scheduled_time ? { scheduledTime: d.scheduled_time } : {}), attempts: d.attempts, ...(d.reason ? { reason: d.reason } : {}),
    createTime: d.create_time, updateTime: d.update_time,
  };
}
