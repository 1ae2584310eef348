/** How far ahead of an even spread a paced campaign may run: 5% of its daily budget. */
export const PACING_SLACK = 0.05;

/**
 * Whether an evenly paced campaign sits out auctions now: by a fraction of
 * its budget day it may have spent at most that fraction of its daily budget
 * plus PACING_SLACK; ahead of that it waits for the day to catch up, so the
 * budget lasts the day instead of the first hour (Topsort's throttling).
 */
export function pacedOut(spentToday: number, dailyBudget: number, dayFraction: number): boolean {
  return spentToday > dailyBudget * Math.min(1, dayFraction + PACING_SLACK);
}
