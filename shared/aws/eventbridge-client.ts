import { EventBridgeClient } from '@aws-sdk/client-eventbridge';

/** One EventBridge client per process. */
export const eventBridgeClient = new EventBridgeClient({});
