import { SchedulerClient } from '@aws-sdk/client-scheduler';

/** One EventBridge Scheduler client per process. */
export const schedulerClient = new SchedulerClient({});
