/** The collection every job of the queue (mail and webhook deliveries) is stored in. */
export const OUTBOX_COLLECTION = 'outbox';
