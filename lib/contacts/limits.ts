/**
 * What the contacts database holds at most, read by the forms (in the browser), their actions,
 * the import and the API alike. Pure constants: browser-safe.
 */

/** Custom fields an account may define. */
export const MAX_CONTACT_FIELDS = 20;
/** Contact groups an account may have. */
export const MAX_CONTACT_GROUPS = 1000;
/** A first or last name, a group's name. */
export const MAX_NAME_LENGTH = 100;
/** An e-mail address (RFC 5321's path limit). */
export const MAX_EMAIL_LENGTH = 254;
/** A custom field's name: short enough to be a report's column title. */
export const MAX_FIELD_NAME_LENGTH = 40;
/** A text custom field's value. */
export const MAX_FIELD_VALUE_LENGTH = 500;
/** Why a number was opted out. */
export const MAX_OPT_OUT_REASON_LENGTH = 200;
/** Contacts one bulk action (delete, add to a group, opt out) may name. */
export const MAX_SELECTED = 500;
/** Rows per page of the contacts table and the API's lists. */
export const CONTACT_PAGE_SIZES = [50, 100] as const;
/** Numbers one API call may opt out at once. */
export const MAX_OPT_OUTS_PER_CALL = 1000;

/** An import's file: 1,000,000 contacts with a few columns each fit well inside. */
export const MAX_IMPORT_BYTES = 256 * 1024 * 1024;
/** The browser sends the file in slices of this size, one server action each (under the 10 MB action limit). */
export const IMPORT_CHUNK_BYTES = 4 * 1024 * 1024;
/** Rows of the file the mapping step shows. */
export const IMPORT_PREVIEW_ROWS = 10;
/** Columns of a file the import maps. */
export const MAX_IMPORT_COLUMNS = 50;
