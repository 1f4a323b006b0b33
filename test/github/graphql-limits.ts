import {
  getArgumentValues,
  getNamedType,
  isInterfaceType,
  isObjectType,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

export const MAX_FIRST = 100;
export const MAX_NODES = 500_000;

/** An error shaped like GitHub's: `type` at the top level, beside path and message. */
export interface GitHubGraphQLError {
  type: string;
  path?: string[];
  message: string;
}

export interface QueryCost {
  /** Points charged, as GitHub computes them. */
  cost: number;
  nodeCount: number;
  errors: GitHubGraphQLError[];
}

/**
 * GitHub's rule: every connection needs as many requests as its parents can have nodes
 * (the product of the `first`/`last` values above it); cost = round(requests / 100), at least
 * 1; a query asking only for `rateLimit` is free. It checks the pagination limits on the way.
 */
export function queryCost(
  schema: GraphQLSchema,
  selection: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
): QueryCost {
  let requests = 0;
  let nodeCount = 0;
  let onlyRateLimit = true;
  const errors: GitHubGraphQLError[] = [];

  const walk = (set: SelectionSetNode, type: GraphQLNamedType, multiplier: number, path: string[]): void => {
    for (const sel of set.selections) {
      if (sel.kind === 'FragmentSpread') {
        const frag = fragments[sel.name.value];
        const on = frag && schema.getType(frag.typeCondition.name.value);
        if (frag && on) walk(frag.selectionSet, on, multiplier, path);
        continue;
      }
      if (sel.kind === 'InlineFragment') {
        const on = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
        if (on) walk(sel.selectionSet, on, multiplier, path);
        continue;
      }
      const name = sel.name.value;
      if (name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
      const def = type.getFields()[name];
      if (!def) continue;
      if (path.length === 0 && name !== 'rateLimit') onlyRateLimit = false;
      const here = [...path, sel.alias?.value ?? name];
      const fieldType = getNamedType(def.type);
      let next = multiplier;
      if (fieldType.name.endsWith('Connection')) {
        const args = getArgumentValues(def, sel, variables);
        const limit =
          typeof args.first === 'number' ? args.first : typeof args.last === 'number' ? args.last : null;
        const arg = typeof args.first === 'number' ? 'first' : 'last';
        const pages = sel.selectionSet?.selections.some(
          (s) => s.kind === 'Field' && (s.name.value === 'nodes' || s.name.value === 'edges'),
        );
        if (limit === null && pages)
          errors.push({
            type: 'MISSING_PAGINATION_BOUNDARIES',
            path: here,
            message: `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`,
          });
        else if (limit !== null && (limit > MAX_FIRST || limit < 0))
          errors.push({
            type: limit < 0 ? 'INVALID_PAGINATION' : 'EXCESSIVE_PAGINATION',
            path: here,
            message:
              limit < 0
                ? `\`${arg}\` on the \`${name}\` connection cannot be less than zero.`
                : `Requesting ${limit} records on the \`${name}\` connection exceeds the \`${arg}\` limit of ${MAX_FIRST} records.`,
          });
        requests += multiplier;
        nodeCount += multiplier * (limit ?? 0);
        next = multiplier * (limit ?? 0);
      }
      if (sel.selectionSet) walk(sel.selectionSet, fieldType, next, here);
    }
  };
  const root = schema.getQueryType();
  if (root) walk(selection, root, 1, []);
  if (nodeCount > MAX_NODES)
    errors.push({
      type: 'MAX_NODE_LIMIT_EXCEEDED',
      message: `This query requests up to ${nodeCount.toLocaleString('en-US')} possible nodes which exceeds the maximum limit of ${MAX_NODES.toLocaleString('en-US')}.`,
    });
  const cost = onlyRateLimit ? 0 : Math.max(1, Math.round(requests / 100));
  return { cost, nodeCount, errors };
}
