// The subset of GitHub's GraphQL schema the double serves (names and nullability as GitHub's).
export const SCHEMA_SDL = /* GraphQL */ `
  scalar DateTime
  scalar URI

  interface Node {
    id: ID!
  }

  interface Actor {
    login: String!
    avatarUrl: URI!
    url: URI!
  }

  type User implements Node & Actor {
    id: ID!
    databaseId: Int
    login: String!
    avatarUrl: URI!
    url: URI!
  }
  type Bot implements Node & Actor {
    id: ID!
    databaseId: Int
    login: String!
    avatarUrl: URI!
    url: URI!
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  enum CommentAuthorAssociation {
    MEMBER
    OWNER
    MANNEQUIN
    COLLABORATOR
    CONTRIBUTOR
    FIRST_TIME_CONTRIBUTOR
    FIRST_TIMER
    NONE
  }
  enum IssueState {
    OPEN
    CLOSED
  }
  enum IssueStateReason {
    COMPLETED
    NOT_PLANNED
    REOPENED
    DUPLICATE
  }
  enum IssueClosedStateReason {
    COMPLETED
    NOT_PLANNED
    DUPLICATE
  }
  enum IssueOrderField {
    CREATED_AT
    UPDATED_AT
    COMMENTS
  }
  enum OrderDirection {
    ASC
    DESC
  }
  input IssueOrder {
    field: IssueOrderField!
    direction: OrderDirection!
  }
  input IssueFilters {
    states: [IssueState!]
    labels: [String!]
    since: DateTime
    createdBy: String
    assignee: String
  }

  type Label implements Node {
    id: ID!
    name: String!
    color: String!
    description: String
    isDefault: Boolean!
    url: URI!
    createdAt: DateTime
  }
  type LabelEdge {
    cursor: String!
    node: Label
  }
  type LabelConnection {
    nodes: [Label]
    edges: [LabelEdge]
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type SubIssuesSummary {
    total: Int!
    completed: Int!
    percentCompleted: Int!
  }

  type IssueComment implements Node {
    id: ID!
    databaseId: Int
    body: String!
    author: Actor
    createdAt: DateTime!
    updatedAt: DateTime!
    url: URI!
    issue: Issue!
  }
  type IssueCommentEdge {
    cursor: String!
    node: IssueComment
  }
  type IssueCommentConnection {
    nodes: [IssueComment]
    edges: [IssueCommentEdge]
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type Issue implements Node {
    id: ID!
    databaseId: Int
    number: Int!
    title: String!
    body: String!
    state: IssueState!
    stateReason: IssueStateReason
    closed: Boolean!
    url: URI!
    createdAt: DateTime!
    updatedAt: DateTime!
    closedAt: DateTime
    author: Actor
    viewerDidAuthor: Boolean!
    authorAssociation: CommentAuthorAssociation!
    repository: Repository!
    labels(first: Int, after: String, last: Int, before: String): LabelConnection
    assignees(first: Int, after: String, last: Int, before: String): UserConnection!
    comments(first: Int, after: String, last: Int, before: String): IssueCommentConnection!
    parent: Issue
    subIssues(first: Int, after: String, last: Int, before: String): IssueConnection!
    subIssuesSummary: SubIssuesSummary!
  }
  type IssueEdge {
    cursor: String!
    node: Issue
  }
  type IssueConnection {
    nodes: [Issue]
    edges: [IssueEdge]
    pageInfo: PageInfo!
    totalCount: Int!
  }
  type UserEdge {
    cursor: String!
    node: User
  }
  type UserConnection {
    nodes: [User]
    edges: [UserEdge]
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type RepositoryOwner {
    login: String!
  }

  type Repository implements Node {
    id: ID!
    databaseId: Int
    name: String!
    nameWithOwner: String!
    owner: RepositoryOwner!
    url: URI!
    issue(number: Int!): Issue
    issues(
      first: Int
      after: String
      last: Int
      before: String
      states: [IssueState!]
      labels: [String!]
      orderBy: IssueOrder
      filterBy: IssueFilters
    ): IssueConnection!
    label(name: String!): Label
    labels(first: Int, after: String, last: Int, before: String, query: String): LabelConnection
  }

  type Query {
    repository(owner: String!, name: String!): Repository
    node(id: ID!): Node
    nodes(ids: [ID!]!): [Node]!
  }

  input CreateIssueInput {
    repositoryId: ID!
    title: String!
    body: String
    labelIds: [ID!]
    assigneeIds: [ID!]
    milestoneId: ID
    parentIssueId: ID
    clientMutationId: String
  }
  type CreateIssuePayload {
    clientMutationId: String
    issue: Issue
  }

  input AddSubIssueInput {
    issueId: ID!
    subIssueId: ID
    subIssueUrl: String
    replaceParent: Boolean
    clientMutationId: String
  }
  type AddSubIssuePayload {
    clientMutationId: String
    issue: Issue
    subIssue: Issue
  }

  input RemoveSubIssueInput {
    issueId: ID!
    subIssueId: ID!
    clientMutationId: String
  }
  type RemoveSubIssuePayload {
    clientMutationId: String
    issue: Issue
    subIssue: Issue
  }

  input UpdateIssueInput {
    id: ID!
    title: String
    body: String
    state: IssueState
    labelIds: [ID!]
    assigneeIds: [ID!]
    clientMutationId: String
  }
  type UpdateIssuePayload {
    clientMutationId: String
    issue: Issue
  }

  input CloseIssueInput {
    issueId: ID!
    stateReason: IssueClosedStateReason
    clientMutationId: String
  }
  type CloseIssuePayload {
    clientMutationId: String
    issue: Issue
  }

  input ReopenIssueInput {
    issueId: ID!
    clientMutationId: String
  }
  type ReopenIssuePayload {
    clientMutationId: String
    issue: Issue
  }

  input DeleteIssueInput {
    issueId: ID!
    clientMutationId: String
  }
  type DeleteIssuePayload {
    clientMutationId: String
    repository: Repository
  }

  input AddCommentInput {
    subjectId: ID!
    body: String!
    clientMutationId: String
  }
  type AddCommentPayload {
    clientMutationId: String
    commentEdge: IssueCommentEdge
    subject: Node
  }

  input AddLabelsToLabelableInput {
    labelableId: ID!
    labelIds: [ID!]!
    clientMutationId: String
  }
  type AddLabelsToLabelablePayload {
    clientMutationId: String
    labelable: Issue
  }
  input RemoveLabelsFromLabelableInput {
    labelableId: ID!
    labelIds: [ID!]!
    clientMutationId: String
  }
  type RemoveLabelsFromLabelablePayload {
    clientMutationId: String
    labelable: Issue
  }

  type Mutation {
    createIssue(input: CreateIssueInput!): CreateIssuePayload
    addSubIssue(input: AddSubIssueInput!): AddSubIssuePayload
    removeSubIssue(input: RemoveSubIssueInput!): RemoveSubIssuePayload
    updateIssue(input: UpdateIssueInput!): UpdateIssuePayload
    closeIssue(input: CloseIssueInput!): CloseIssuePayload
    reopenIssue(input: ReopenIssueInput!): ReopenIssuePayload
    deleteIssue(input: DeleteIssueInput!): DeleteIssuePayload
    addComment(input: AddCommentInput!): AddCommentPayload
    addLabelsToLabelable(input: AddLabelsToLabelableInput!): AddLabelsToLabelablePayload
    removeLabelsFromLabelable(
      input: RemoveLabelsFromLabelableInput!
    ): RemoveLabelsFromLabelablePayload
  }
`;
