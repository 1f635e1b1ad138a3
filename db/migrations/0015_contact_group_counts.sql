-- Members per contact group (contact_groups.members), kept by statement-level triggers on
-- contact_group_members in the same transaction as the change, so the send page's group picker
-- and the groups list never count a group's members. A statement touches few groups: one
-- UPDATE per group, in id order (concurrent imports lock counters in the same order), and no
-- join whose plan a pooled connection would cache for the first statement's size. Cascades
-- count too (a contact deleted leaves its groups); a group deleted takes its rows with it.
CREATE FUNCTION contact_group_members_count() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
BEGIN
  IF TG_OP = 'INSERT' THEN
    FOR r IN SELECT group_id, count(*)::int AS n FROM new_rows GROUP BY group_id ORDER BY group_id LOOP
      UPDATE contact_groups SET members = members + r.n WHERE id = r.group_id;
    END LOOP;
  ELSE
    FOR r IN SELECT group_id, count(*)::int AS n FROM old_rows GROUP BY group_id ORDER BY group_id LOOP
      UPDATE contact_groups SET members = members - r.n WHERE id = r.group_id;
    END LOOP;
  END IF;
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER contact_group_members_count_insert AFTER INSERT ON contact_group_members
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_group_members_count();--> statement-breakpoint
CREATE TRIGGER contact_group_members_count_delete AFTER DELETE ON contact_group_members
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_group_members_count();--> statement-breakpoint
UPDATE contact_groups g SET members = (SELECT count(*) FROM contact_group_members m WHERE m.group_id = g.id);--> statement-breakpoint
-- Custom fields were free-form keys until now: each key becomes a text field of its account,
-- and the values are filed under the field's id.
INSERT INTO contact_fields (account_id, name, type)
SELECT DISTINCT c.account_id, k.key, 'text'::contact_field_type
  FROM contacts c CROSS JOIN LATERAL jsonb_object_keys(c.custom_fields) AS k(key);--> statement-breakpoint
UPDATE contacts c
   SET custom_fields = (SELECT coalesce(jsonb_object_agg(f.id::text, e.value), '{}'::jsonb)
                          FROM jsonb_each_text(c.custom_fields) e
                          JOIN contact_fields f ON f.account_id = c.account_id AND f.name = e.key)
 WHERE c.custom_fields <> '{}'::jsonb;
