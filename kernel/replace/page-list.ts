// A doubly linked list of resident pages with O(1) lookup by page number: the order a policy keeps
// (load order for FIFO, recency for LRU, the ring for Clock). Nodes are handed out so that a policy
// can walk and relink without a lookup per step. A page's node is kept when the page leaves and
// reused when it comes back: replay loads and evicts a page per miss, and allocating a node and
// churning the index each time cost more than the policy itself.

/** One page in a PageList. `value` belongs to the policy (an aging counter, a load sequence). */
export class PageNode {
  readonly page: number;
  value: number;
  /** True while the page is in the list. */
  linked = false;
  prev: PageNode | undefined = undefined;
  next: PageNode | undefined = undefined;

  constructor(page: number, value: number) {
    this.page = page;
    this.value = value;
  }
}

/** Pages in an order of the policy's choosing, head to tail; each page at most once. */
export class PageList {
  head: PageNode | undefined = undefined;
  tail: PageNode | undefined = undefined;
  /** Every page ever added, linked or not. */
  private readonly nodes = new Map<number, PageNode>();
  private count = 0;
  private readonly owner: string;

  /** `owner` names the policy in panics. */
  constructor(owner: string) {
    this.owner = owner;
  }

  get size(): number {
    return this.count;
  }

  /** The node of `page`, or undefined if the page is not in the list. */
  get(page: number): PageNode | undefined {
    const node = this.nodes.get(page);
    return node?.linked ? node : undefined;
  }

  /** Adds `page` at the tail. Panics if it is already in the list (a caller's double load). */
  append(page: number, value = 0): PageNode {
    return this.insertBefore(page, undefined, value);
  }

  /** Adds `page` just before `before` (at the tail if undefined). Panics if already present. */
  insertBefore(page: number, before: PageNode | undefined, value = 0): PageNode {
    let node = this.nodes.get(page);
    if (node === undefined) {
      node = new PageNode(page, value);
      this.nodes.set(page, node);
    } else if (node.linked) {
      throw new Error(`${this.owner}.loaded: page ${page} is already resident`);
    }
    node.value = value;
    this.link(node, before);
    node.linked = true;
    this.count++;
    return node;
  }

  /** Takes `page` out of the list; returns its node, or undefined if it was not there. */
  remove(page: number): PageNode | undefined {
    const node = this.nodes.get(page);
    if (node === undefined || !node.linked) return undefined;
    this.unlink(node);
    node.linked = false;
    this.count--;
    return node;
  }

  /** Moves a node of this list to the tail. */
  moveToTail(node: PageNode): void {
    if (node === this.tail) return;
    this.unlink(node);
    this.link(node, undefined);
  }

  /** The node after `node`, wrapping from the tail to the head (the list as a ring). */
  after(node: PageNode): PageNode {
    return node.next ?? this.head!;
  }

  /** The pages head to tail. */
  pages(): number[] {
    const out: number[] = [];
    for (let n = this.head; n !== undefined; n = n.next) out.push(n.page);
    return out;
  }

  /** The pages around the ring, starting at `start` (head to tail if undefined). */
  ringFrom(start: PageNode | undefined): number[] {
    if (start === undefined) return this.pages();
    const out: number[] = [];
    let n = start;
    do {
      out.push(n.page);
      n = this.after(n);
    } while (n !== start);
    return out;
  }

  private link(node: PageNode, before: PageNode | undefined): void {
    const prev = before === undefined ? this.tail : before.prev;
    node.prev = prev;
    node.next = before;
    if (prev === undefined) this.head = node;
    else prev.next = node;
    if (before === undefined) this.tail = node;
    else before.prev = node;
  }

  private unlink(node: PageNode): void {
    if (node.prev === undefined) this.head = node.next;
    else node.prev.next = node.next;
    if (node.next === undefined) this.tail = node.prev;
    else node.next.prev = node.prev;
    node.prev = undefined;
    node.next = undefined;
  }
}
