/**
 * @trendy-tickets/sdk — the typed client for the Trendy Ticket Service API.
 *
 * The wire types are the contract the server is checked against.
 */
export type * from './types.js';
