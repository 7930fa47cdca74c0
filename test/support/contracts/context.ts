/** What every contract suite of a store port is given. */
export interface ContractContext {
  /** A tenant the test writes to. */
  A: string;
  /** Another tenant, which must see nothing of A's. */
  B: string;
  /** The instant records are dated at. */
  T0: number;
}
