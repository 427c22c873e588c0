// Membership: kazoo's Party / ShallowParty and SetPartitioner layouts.
export { Party } from './party';
export type { PartyOptions } from './party';
export { Partitioner } from './partitioner';
export type { PartitionerOptions } from './partitioner';
export type { PartitionEvent, PartitionState } from './partition-run';
export type { PartitionFunction } from './partition';
export { GroupMember } from './group-member';
export type { GroupMembers } from './group-member';
