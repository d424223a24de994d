/**
 * Delivery queues a gateway spreads new notifications over (#30.2): DELIVERIES, then
 * DELIVERIES_1 … DELIVERIES_15 as wrangler.toml binds them, each with its own consumer running
 * the same handler (src/delivery/queues.ts chooses). Queues takes 5,000 messages a second a
 * queue: 16 carry 80,000, a 5× peak of 1.3 billion messages a day (docs/deploy.md, "Sizing").
 * Here, without imports, so the scripts' sizing reads the same number.
 */
export const MAX_DELIVERY_QUEUES = 16;
