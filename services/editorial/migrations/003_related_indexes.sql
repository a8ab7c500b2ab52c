-- Release sets look up the drafts and released revisions that link to a document (a policy and its interpretations).
-- Without these, every publish read every open draft and every released revision (jsonb detoasted row by row).
create index drafts_related on drafts using gin ((content -> 'related') jsonb_path_ops);
create index revisions_related on revisions using gin ((record -> 'related') jsonb_path_ops);
