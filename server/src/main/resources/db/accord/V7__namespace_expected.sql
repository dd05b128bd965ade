-- Expect: how many resources a namespace's sweep will have, declared up front, so progress has a denominator before
-- every resource has been acquired once. No row: nothing declared.
CREATE TABLE accord_namespace_expected (
  namespace text   PRIMARY KEY,
  total     bigint NOT NULL CHECK (total > 0)
);
