/** The start of every key the platform writes to Redis: `{QUEUE_PREFIX}`. The braces are a Redis
 * Cluster hash tag, so every key of one deployment (each BullMQ queue, whose Lua scripts touch many
 * keys at once, the rate-limit counters that are pipelined together, the leases) hashes to one slot
 * and lives on one node, as BullMQ requires. A single Redis ignores the braces. */
export function redisKeyPrefix(queuePrefix: string): string {
  return `{${queuePrefix}}`;
}
