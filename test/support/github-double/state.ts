// The one repository the double holds. Plain records so tests can inspect them directly.
import { MonotonicClock } from "./clock.ts";
import { encodeNodeId } from "./node-id.ts";
import type { TimelineRecord } from "./ops-timeline.ts";

export type IssueStateReason = "completed" | "not_planned" | "reopened" | null;

export interface IssueRecord {
  id: number;
  nodeId: string;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  stateReason: IssueStateReason;
  labelIds: number[];
  assignees: string[];
  author: string;
  /** Created through an App installation token (performed_via_github_app is set). */
  viaApp: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  closedBy: string | null;
  parent: number | null;
  /** Child issue numbers, in priority order. */
  subIssues: number[];
  /** Numbers of the issues this one is blocked by ("blocked by"), in the order they were added. */
  blockedBy: number[];
}

export interface CommentRecord {
  id: number;
  nodeId: string;
  issueNumber: number;
  body: string;
  author: string;
  viaApp: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface LabelRecord {
  id: number;
  nodeId: string;
  name: string;
  color: string;
  description: string | null;
}

export class DoubleState {
  readonly clock = new MonotonicClock();
  readonly issues = new Map<number, IssueRecord>();
  readonly deletedIssues = new Set<number>();
  readonly comments = new Map<number, CommentRecord>();
  /** Keyed by label id; use findLabel() for case-insensitive lookup by name. */
  readonly labels = new Map<number, LabelRecord>();
  /** Issue events as they happened (labels, close/reopen, renames, assignments), oldest first. */
  readonly timeline: TimelineRecord[] = [];
  /** Names of labels GitHub created implicitly (grey) because an issue used an unknown name. */
  readonly autoCreatedLabels: string[] = [];
  private nextIssueNumber = 1;
  private nextCommentId = 5_000_001;
  private nextLabelId = 9_000_001;
  private nextTimelineEventId = 7_000_001;

  constructor(
    readonly owner: string,
    readonly name: string,
  ) {}

  allocateIssue(): { number: number; id: number; nodeId: string } {
    const number = this.nextIssueNumber++;
    return { number, id: 1_000_000 + number, nodeId: encodeNodeId("Issue", number) };
  }

  allocateComment(): { id: number; nodeId: string } {
    const id = this.nextCommentId++;
    return { id, nodeId: encodeNodeId("IssueComment", id) };
  }

  allocateLabel(): { id: number; nodeId: string } {
    const id = this.nextLabelId++;
    return { id, nodeId: encodeNodeId("Label", id) };
  }

  allocateTimelineEvent(): number {
    return this.nextTimelineEventId++;
  }

  findLabel(name: string): LabelRecord | undefined {
    const wanted = name.toLowerCase();
    for (const label of this.labels.values()) if (label.name.toLowerCase() === wanted) return label;
    return undefined;
  }

  issueById(id: number): IssueRecord | undefined {
    return this.issues.get(id - 1_000_000);
  }

  commentsOf(issueNumber: number): CommentRecord[] {
    return [...this.comments.values()].filter((c) => c.issueNumber === issueNumber);
  }

  /** Parent → child links, for assertions. */
  subIssueLinks(): { parent: number; child: number }[] {
    const links: { parent: number; child: number }[] = [];
    for (const issue of this.issues.values())
      for (const child of issue.subIssues) links.push({ parent: issue.number, child });
    return links;
  }

  /** The issues this one blocks (the other side of `blockedBy`), by number. */
  blocking(number: number): number[] {
    return [...this.issues.values()]
      .filter((issue) => issue.blockedBy.includes(number))
      .map((issue) => issue.number);
  }

  /** Blocked → blocker pairs, for assertions. */
  dependencyLinks(): { blocked: number; blocker: number }[] {
    const links: { blocked: number; blocker: number }[] = [];
    for (const issue of this.issues.values())
      for (const blocker of issue.blockedBy) links.push({ blocked: issue.number, blocker });
    return links;
  }

  toJSON(): Record<string, unknown> {
    return {
      repo: `${this.owner}/${this.name}`,
      issues: [...this.issues.values()],
      comments: [...this.comments.values()],
      labels: [...this.labels.values()],
      subIssueLinks: this.subIssueLinks(),
      dependencyLinks: this.dependencyLinks(),
      autoCreatedLabels: this.autoCreatedLabels,
    };
  }
}
