import { Matches } from 'class-validator';

/** Postgres text cannot hold U+0000: such a string is bad input (400), not a failed insert (500). */
export const NoNulCharacters = (field: string) => Matches(/^[^\u0000]*$/, { message: `${field} must not contain NUL (\\u0000) characters` });
