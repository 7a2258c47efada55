import { standardWebhooksScheme } from './standard-webhooks.js';

/** Svix: Standard Webhooks signatures under `svix-id`, `svix-timestamp` and `svix-signature`. */
export const svix = standardWebhooksScheme('svix', 'svix-');
