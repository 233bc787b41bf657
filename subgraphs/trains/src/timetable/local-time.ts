// Local dates and wall-clock times live in service-kit: tickets needs them for refund deadlines.
export {
  addDays,
  dayOfWeek,
  daysBetween,
  instantOf,
  isLocalDate,
  isTimeZone,
  localDateOf,
  localDateOfUtcMidnight,
  utcMidnightOf,
  wallClockOf,
  type LocalDate,
} from '@railgraph/service-kit';
