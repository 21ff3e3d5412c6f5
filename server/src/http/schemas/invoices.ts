import { z } from '@hono/zod-openapi';
import type { Invoice, InvoiceListParams } from '@trendy-tickets/sdk';
import { type Exact, ListQuery, listOf, timestampOut } from './common.js';

const money = z.number().int();

const InvoiceLineSchema = z.object({
  description: z.string(),
  sac: z.string().nullable().openapi({ example: '9996' }),
  quantity: z.number().int(),
  tax_rate: z.number().nullable().openapi({ example: 18 }),
  taxable_value: money,
  cgst: money,
  sgst: money,
  igst: money,
  total: money,
});

export const InvoiceSchema = z
  .object({
    id: z.string().openapi({ example: 'inv_4QpZ0x2bB8Lr6qXhS1mYtA' }),
    object: z.literal('invoice'),
    kind: z.enum(['tax_invoice', 'receipt', 'credit_note']),
    livemode: z.boolean(),
    number: z.string().openapi({ example: 'INV/2627/000001' }),
    financial_year: z.string().openapi({ example: '2026-27' }),
    issued_at: timestampOut,
    order: z.string(),
    event: z.string(),
    supplier: z.object({ name: z.string(), address: z.string().nullable(), state: z.string().nullable(), gstin: z.string().nullable() }),
    recipient: z.object({ name: z.string(), email: z.string(), company: z.string().nullable(), address: z.string().nullable(), gstin: z.string().nullable() }),
    place_of_supply: z.string().nullable().openapi({ example: '27' }),
    lines: z.array(InvoiceLineSchema),
    taxable_value: money,
    cgst: money,
    sgst: money,
    igst: money,
    total: money,
    currency: z.literal('INR'),
    against: z.object({ id: z.string(), number: z.string(), issued_at: timestampOut }).nullable(),
    pdf_url: z.string().openapi({ example: '/v1/invoices/inv_4QpZ0x2bB8Lr6qXhS1mYtA/pdf' }),
  })
  .openapi('Invoice');

export const InvoiceListSchema = listOf(InvoiceSchema, 'InvoiceList');

export const InvoiceQuery = ListQuery.extend({
  order: z.string().max(64).optional().openapi({ description: 'Only the documents of this order (`ord_…`).' }),
});

export const invoiceSchemasMatchWireTypes: [Exact<z.infer<typeof InvoiceSchema>, Invoice>, Exact<keyof z.input<typeof InvoiceQuery>, keyof InvoiceListParams>] = [true, true];
