// Membership: kazoo's Party / ShallowParty layouts.
export { Party } from './party';
export type { PartyOptions } from './party';
