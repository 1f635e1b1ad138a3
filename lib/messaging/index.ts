export {
  countParts,
  splitParts,
  isGsm7Char,
  MAX_PARTS,
  UI_MAX_PARTS,
  GSM7_SINGLE_PART,
  GSM7_MULTI_PART,
  UCS2_SINGLE_PART,
  UCS2_MULTI_PART,
  type Encoding,
  type PartCount,
} from './segments';

export {
  normalizeNumber,
  parseRecipientList,
  numberPrefixForSearch,
  E164_MAX_DIGITS,
  NON_GEOGRAPHIC_REGION,
  type CountryCode,
  type NormalizeFailureReason,
  type NormalizeResult,
  type ValidRecipient,
  type InvalidRecipient,
  type RecipientList,
} from './phone';

export { POINT_UNITS, POINT_DECIMALS, messageCost, formatPoints, parsePoints } from './pricing';

export {
  STATUS,
  STATUS_CODES,
  PENDING_STATUSES,
  isFinalStatus,
  isStatusCode,
  statusName,
  type StatusCode,
  type StatusName,
} from './statuses';
