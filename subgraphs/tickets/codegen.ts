import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'subgraphs/tickets/schema.graphql',
  generates: {
    'subgraphs/tickets/src/__generated__/resolvers-types.ts': {
      plugins: ['typescript', 'typescript-resolvers'],
      config: {
        federation: true,
        useTypeImports: true,
        enumsAsTypes: true,
        contextType: '../context.js#TicketsContext',
        scalars: { DateTime: 'Date' },
        mappers: {
          Booking: '../booking/model.js#BookingWithTickets',
          Ticket: '../booking/views.js#TicketRow',
          TicketValidation: '../booking/model.js#TicketValidationResult',
          Journey: '../booking/views.js#JourneyKeyView',
          Money: '../booking/views.js#MoneyView',
          User: '../booking/views.js#UserRef',
          RefundQuote: '../refunds/refunds.js#RefundQuoteView',
          Refund: '../refunds/refunds.js#RefundView',
          BookingEvent: '../booking/views.js#BookingEventRow',
          AccountStatement: '../statements/statement.js#AccountStatementView',
        },
      },
    },
  },
};
export default config;
