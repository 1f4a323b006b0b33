-- Issue 12: an experiment is designed, not only named: who is treated (cohort_spec) against whom
-- (control_spec), on which metrics, at which significance level, expecting which effect, with
-- notes. Specs and lists are JSON text, read back the same by both engines. Null columns: an
-- experiment recorded before this design (analysed as having no cohort).
alter table experiments add column cohort_spec text;
alter table experiments add column control_spec text;
alter table experiments add column metrics text;
alter table experiments add column alpha double precision;
alter table experiments add column expected_effect text;
alter table experiments add column notes text;
