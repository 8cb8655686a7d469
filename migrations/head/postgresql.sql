-- A PostgreSQL database at head, as its catalogue states it (tests/test_schema_head.py).

-- columns
alembic_version.version_num: character varying NOT NULL
projects.id: bigint NOT NULL DEFAULT nextval('projects_id_seq'::regclass)
projects.name: character varying NOT NULL
projects.description: text NOT NULL DEFAULT ''::text
projects.archived: boolean NOT NULL DEFAULT false
projects.created_at: timestamp with time zone NOT NULL DEFAULT now()
projects.review: boolean NOT NULL DEFAULT false
task_counts.status: character varying NOT NULL
task_counts.n: integer NOT NULL DEFAULT 0
task_counts.slot: smallint NOT NULL DEFAULT 0
task_dependencies.task_id: bigint NOT NULL
task_dependencies.depends_on_id: bigint NOT NULL
task_event_actor.id: bigint NOT NULL DEFAULT nextval('task_event_actor_id_seq'::regclass)
task_event_actor.actor: character varying
task_event_actor.kind: character varying
task_events.id: bigint NOT NULL DEFAULT nextval('task_events_id_seq'::regclass)
task_events.task_id: bigint NOT NULL
task_events.version: bigint NOT NULL
task_events.at: timestamp with time zone NOT NULL
task_events.actor: character varying
task_events.kind: character varying NOT NULL
task_events.changes: text NOT NULL DEFAULT '{}'::text
task_notes.id: bigint NOT NULL DEFAULT nextval('task_notes_id_seq'::regclass)
task_notes.task_id: bigint NOT NULL
task_notes.at: timestamp with time zone NOT NULL DEFAULT now()
task_notes.actor: character varying
task_notes.text: text NOT NULL
task_notes.search: tsvector GENERATED ALWAYS AS (to_tsvector('task_search'::regconfig, task_words(text))) STORED
task_notes.kind: character varying NOT NULL DEFAULT 'note'::character varying
task_tags.task_id: bigint NOT NULL
task_tags.tag: character varying NOT NULL
tasks.id: bigint NOT NULL DEFAULT nextval('tasks_id_seq'::regclass)
tasks.title: character varying NOT NULL
tasks.description: text NOT NULL DEFAULT ''::text
tasks.status: character varying NOT NULL DEFAULT 'pending'::character varying
tasks.priority: character varying NOT NULL DEFAULT 'medium'::character varying
tasks.tags: text NOT NULL DEFAULT '[]'::text
tasks.due_date: date
tasks.created_at: timestamp with time zone NOT NULL DEFAULT now()
tasks.updated_at: timestamp with time zone NOT NULL DEFAULT now()
tasks.completed_at: timestamp with time zone
tasks.version: bigint NOT NULL DEFAULT '1'::bigint
tasks.project_id: bigint
tasks.parent_id: bigint
tasks.claimed_by: character varying
tasks.claimed_until: timestamp with time zone
tasks.search: tsvector GENERATED ALWAYS AS (((setweight(to_tsvector('task_search'::regconfig, task_words((title)::text)), 'A'::"char") || setweight(to_tsvector('task_search'::regconfig, task_words(tags)), 'B'::"char")) || setweight(to_tsvector('task_search'::regconfig, task_words(description)), 'C'::"char"))) STORED
tasks.claimed_paths: text
tasks.criteria: text
tasks.defer_until: timestamp with time zone
tasks.repeat: character varying
tasks.repeat_of: bigint
tasks.discovered_from: bigint
tasks.duplicate_of: bigint
tasks.review: boolean
tasks.submitted_by: character varying
trash.id: bigint NOT NULL DEFAULT nextval('trash_id_seq'::regclass)
trash.task_id: bigint NOT NULL
trash.title: character varying NOT NULL
trash.deleted_at: timestamp with time zone NOT NULL
trash.deleted_by: character varying
trash.content: text NOT NULL
trash_tasks.task_id: bigint NOT NULL DEFAULT nextval('trash_tasks_task_id_seq'::regclass)
trash_tasks.trash_id: bigint NOT NULL

-- constraints
alembic_version.alembic_version_pkc: PRIMARY KEY (version_num)
projects.ck_projects_ck_projects_description: CHECK ((length(description) <= 10000))
projects.ck_projects_ck_projects_name: CHECK ((((length((name)::text) >= 1) AND (length((name)::text) <= 100)) AND ((name)::text = TRIM(BOTH FROM name))))
projects.pk_projects: PRIMARY KEY (id)
task_counts.pk_task_counts: PRIMARY KEY (status, slot)
task_dependencies.ck_task_dependencies_ck_task_dependencies_not_itself: CHECK ((task_id <> depends_on_id))
task_dependencies.fk_task_dependencies_depends_on_id_tasks: FOREIGN KEY (depends_on_id) REFERENCES tasks(id) ON DELETE CASCADE
task_dependencies.fk_task_dependencies_task_id_tasks: FOREIGN KEY (task_id) REFERENCES tasks(id) ON DELETE CASCADE
task_dependencies.pk_task_dependencies: PRIMARY KEY (task_id, depends_on_id)
task_event_actor.ck_task_event_actor_ck_task_event_actor_one_row: CHECK ((id = 1))
task_event_actor.pk_task_event_actor: PRIMARY KEY (id)
task_events.pk_task_events: PRIMARY KEY (id)
task_notes.ck_task_notes_ck_task_notes_kind: CHECK (((kind)::text = ANY ((ARRAY['note'::character varying, 'handoff'::character varying])::text[])))
task_notes.ck_task_notes_ck_task_notes_text: CHECK (((length(text) >= 1) AND (length(text) <= 2000)))
task_notes.fk_task_notes_task_id_tasks: FOREIGN KEY (task_id) REFERENCES tasks(id) ON DELETE CASCADE
task_notes.pk_task_notes: PRIMARY KEY (id)
task_tags.fk_task_tags_task_id_tasks: FOREIGN KEY (task_id) REFERENCES tasks(id) ON DELETE CASCADE
task_tags.pk_task_tags: PRIMARY KEY (task_id, tag)
tasks.ck_tasks_ck_tasks_criteria: CHECK (((criteria IS NULL) OR ((jsonb_typeof((criteria)::jsonb) = 'array'::text) AND ((jsonb_array_length((criteria)::jsonb) >= 1) AND (jsonb_array_length((criteria)::jsonb) <= 20)))))
tasks.ck_tasks_ck_tasks_discovered_from: CHECK ((discovered_from <> id))
tasks.ck_tasks_ck_tasks_duplicate_of: CHECK ((duplicate_of <> id))
tasks.ck_tasks_ck_tasks_repeat: CHECK (((repeat IS NULL) OR ((repeat)::text = ANY ((ARRAY['daily'::character varying, 'weekly'::character varying, 'monthly'::character varying, 'weekdays'::character varying])::text[])) OR ((repeat)::text ~ '^every [1-9][0-9]{0,2} days$'::text) OR ((repeat)::text ~ '^every [1-9][0-9]? weeks$'::text)))
tasks.ck_tasks_ck_tasks_repeat_of: CHECK ((repeat_of <> id))
tasks.ck_tasks_completed_at: CHECK ((((status)::text = 'complete'::text) = (completed_at IS NOT NULL)))
tasks.ck_tasks_description: CHECK ((length(description) <= 10000))
tasks.ck_tasks_id: CHECK (((id >= 1) AND (id <= '9007199254740991'::bigint)))
tasks.ck_tasks_parent_id: CHECK ((parent_id <> id))
tasks.ck_tasks_priority: CHECK (((priority)::text = ANY ((ARRAY['low'::character varying, 'medium'::character varying, 'high'::character varying])::text[])))
tasks.ck_tasks_status: CHECK (((status)::text = ANY ((ARRAY['pending'::character varying, 'in_progress'::character varying, 'in_review'::character varying, 'complete'::character varying, 'cancelled'::character varying])::text[])))
tasks.ck_tasks_tags: CHECK (((jsonb_typeof((tags)::jsonb) = 'array'::text) AND (jsonb_array_length((tags)::jsonb) <= 20)))
tasks.ck_tasks_title: CHECK ((((length((title)::text) >= 1) AND (length((title)::text) <= 200)) AND ((title)::text = TRIM(BOTH FROM title))))
tasks.ck_tasks_version: CHECK (((version >= 1) AND (version <= '9007199254740991'::bigint)))
tasks.fk_tasks_discovered_from_tasks: FOREIGN KEY (discovered_from) REFERENCES tasks(id) ON DELETE SET NULL
tasks.fk_tasks_duplicate_of_tasks: FOREIGN KEY (duplicate_of) REFERENCES tasks(id) ON DELETE SET NULL
tasks.fk_tasks_parent_id_tasks: FOREIGN KEY (parent_id) REFERENCES tasks(id) ON DELETE CASCADE
tasks.fk_tasks_project_id_projects: FOREIGN KEY (project_id) REFERENCES projects(id) ON DELETE SET NULL
tasks.fk_tasks_repeat_of_tasks: FOREIGN KEY (repeat_of) REFERENCES tasks(id) ON DELETE SET NULL
tasks.pk_tasks: PRIMARY KEY (id)
trash.pk_trash: PRIMARY KEY (id)
trash_tasks.fk_trash_tasks_trash_id_trash: FOREIGN KEY (trash_id) REFERENCES trash(id) ON DELETE CASCADE
trash_tasks.pk_trash_tasks: PRIMARY KEY (task_id)

-- indexes
alembic_version_pkc: CREATE UNIQUE INDEX alembic_version_pkc ON public.alembic_version USING btree (version_num)
ix_projects_lower_name: CREATE UNIQUE INDEX ix_projects_lower_name ON public.projects USING btree (lower((name)::text))
ix_task_dependencies_depends_on_id: CREATE INDEX ix_task_dependencies_depends_on_id ON public.task_dependencies USING btree (depends_on_id)
ix_task_events_task_id_id: CREATE INDEX ix_task_events_task_id_id ON public.task_events USING btree (task_id, id)
ix_task_notes_handoff: CREATE INDEX ix_task_notes_handoff ON public.task_notes USING btree (task_id, id) WHERE ((kind)::text = 'handoff'::text)
ix_task_notes_search: CREATE INDEX ix_task_notes_search ON public.task_notes USING gin (search)
ix_task_notes_task_id_id: CREATE INDEX ix_task_notes_task_id_id ON public.task_notes USING btree (task_id, id)
ix_task_tags_tag_task_id: CREATE INDEX ix_task_tags_tag_task_id ON public.task_tags USING btree (tag, task_id)
ix_tasks_claimed_by: CREATE INDEX ix_tasks_claimed_by ON public.tasks USING btree (claimed_by, id) WHERE (claimed_by IS NOT NULL)
ix_tasks_completed_at: CREATE INDEX ix_tasks_completed_at ON public.tasks USING btree (completed_at, id)
ix_tasks_defer_until: CREATE INDEX ix_tasks_defer_until ON public.tasks USING btree (defer_until) WHERE (defer_until IS NOT NULL)
ix_tasks_discovered: CREATE INDEX ix_tasks_discovered ON public.tasks USING btree (id) WHERE (discovered_from IS NOT NULL)
ix_tasks_discovered_from: CREATE INDEX ix_tasks_discovered_from ON public.tasks USING btree (discovered_from) WHERE (discovered_from IS NOT NULL)
ix_tasks_due_date: CREATE INDEX ix_tasks_due_date ON public.tasks USING btree (due_date, id)
ix_tasks_duplicate_of: CREATE INDEX ix_tasks_duplicate_of ON public.tasks USING btree (duplicate_of) WHERE (duplicate_of IS NOT NULL)
ix_tasks_parent_id: CREATE INDEX ix_tasks_parent_id ON public.tasks USING btree (parent_id, id)
ix_tasks_project_id: CREATE INDEX ix_tasks_project_id ON public.tasks USING btree (project_id, id)
ix_tasks_repeat_of: CREATE INDEX ix_tasks_repeat_of ON public.tasks USING btree (repeat_of) WHERE (repeat_of IS NOT NULL)
ix_tasks_search: CREATE INDEX ix_tasks_search ON public.tasks USING gin (search)
ix_tasks_status_due_date: CREATE INDEX ix_tasks_status_due_date ON public.tasks USING btree (status, due_date, id)
ix_tasks_status_id: CREATE INDEX ix_tasks_status_id ON public.tasks USING btree (status, id)
ix_tasks_status_priority_due_date: CREATE INDEX ix_tasks_status_priority_due_date ON public.tasks USING btree (status, priority, due_date, id)
ix_tasks_status_priority_id: CREATE INDEX ix_tasks_status_priority_id ON public.tasks USING btree (status, priority, id)
ix_tasks_status_updated_at: CREATE INDEX ix_tasks_status_updated_at ON public.tasks USING btree (status, updated_at, id)
ix_tasks_updated_at: CREATE INDEX ix_tasks_updated_at ON public.tasks USING btree (updated_at, id)
ix_trash_deleted_at: CREATE INDEX ix_trash_deleted_at ON public.trash USING btree (deleted_at)
ix_trash_tasks_trash_id: CREATE INDEX ix_trash_tasks_trash_id ON public.trash_tasks USING btree (trash_id)
pk_projects: CREATE UNIQUE INDEX pk_projects ON public.projects USING btree (id)
pk_task_counts: CREATE UNIQUE INDEX pk_task_counts ON public.task_counts USING btree (status, slot)
pk_task_dependencies: CREATE UNIQUE INDEX pk_task_dependencies ON public.task_dependencies USING btree (task_id, depends_on_id)
pk_task_event_actor: CREATE UNIQUE INDEX pk_task_event_actor ON public.task_event_actor USING btree (id)
pk_task_events: CREATE UNIQUE INDEX pk_task_events ON public.task_events USING btree (id)
pk_task_notes: CREATE UNIQUE INDEX pk_task_notes ON public.task_notes USING btree (id)
pk_task_tags: CREATE UNIQUE INDEX pk_task_tags ON public.task_tags USING btree (task_id, tag)
pk_tasks: CREATE UNIQUE INDEX pk_tasks ON public.tasks USING btree (id)
pk_trash: CREATE UNIQUE INDEX pk_trash ON public.trash USING btree (id)
pk_trash_tasks: CREATE UNIQUE INDEX pk_trash_tasks ON public.trash_tasks USING btree (task_id)

-- functions
-- task_counts_sync
CREATE OR REPLACE FUNCTION public.task_counts_sync()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
    DECLARE
        mine smallint := pg_backend_pid() % 32;
    BEGIN
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
            INSERT INTO task_counts (status, slot, n) VALUES (OLD.status, mine, -1)
            ON CONFLICT (status, slot) DO UPDATE SET n = task_counts.n - 1;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO task_counts (status, slot, n) VALUES (NEW.status, mine, 1)
            ON CONFLICT (status, slot) DO UPDATE SET n = task_counts.n + 1;
        END IF;
        RETURN NULL;
    END $function$
-- task_dependencies_event
CREATE OR REPLACE FUNCTION public.task_dependencies_event()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
    DECLARE
        dependent integer;
        change jsonb;
    BEGIN
        IF TG_OP = 'INSERT' THEN
            dependent := NEW.task_id;
            change := jsonb_build_array(NULL, NEW.depends_on_id);
        ELSE
            dependent := OLD.task_id;
            change := jsonb_build_array(OLD.depends_on_id, NULL);
        END IF;
        INSERT INTO task_events (task_id, version, at, actor, kind, changes)
        SELECT tasks.id, tasks.version, now(),
               nullif(current_setting('task_tracker.actor', true), ''),
               coalesce(nullif(current_setting('task_tracker.kind', true), ''), 'update'),
               jsonb_build_object('depends_on', change)::text
        FROM tasks WHERE tasks.id = dependent;
        RETURN NULL;
    END $function$
-- task_event_value
CREATE OR REPLACE FUNCTION public.task_event_value(field text, value jsonb)
 RETURNS jsonb
 LANGUAGE sql
 IMMUTABLE
AS $function$
        SELECT CASE WHEN field IN ('tags', 'criteria') AND value != 'null'
                    THEN (value #>> '{}')::jsonb ELSE value END
    $function$
-- task_events_forget
CREATE OR REPLACE FUNCTION public.task_events_forget()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
    BEGIN
        IF EXISTS (SELECT 1 FROM trash_tasks WHERE trash_tasks.task_id = OLD.id) THEN
            INSERT INTO task_events (task_id, version, at, actor, kind, changes)
            VALUES (OLD.id, OLD.version, now(),
                    nullif(current_setting('task_tracker.actor', true), ''), 'delete', '{}');
        ELSE
            DELETE FROM task_events WHERE task_id = OLD.id;
        END IF;
        RETURN NULL;
    END $function$
-- task_events_write
CREATE OR REPLACE FUNCTION public.task_events_write()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
    DECLARE
        who text := nullif(current_setting('task_tracker.actor', true), '');
        named text := nullif(current_setting('task_tracker.kind', true), '');
        changed jsonb;
    BEGIN
        IF TG_OP = 'INSERT' THEN
            SELECT coalesce(jsonb_object_agg(
                       key, jsonb_build_array(NULL, task_event_value(key, value))), '{}')
            INTO changed FROM jsonb_each(to_jsonb(NEW))
            WHERE key IN ('title', 'description', 'status', 'priority', 'tags', 'due_date', 'project_id', 'parent_id', 'claimed_by', 'claimed_until', 'completed_at', 'criteria', 'defer_until', 'repeat', 'repeat_of', 'discovered_from', 'duplicate_of') AND value != 'null';
            INSERT INTO task_events (task_id, version, at, actor, kind, changes)
            VALUES (NEW.id, NEW.version, NEW.created_at, who, coalesce(named, 'create'),
                    changed::text);
            RETURN NULL;
        END IF;
        SELECT jsonb_object_agg(n.key, CASE WHEN n.key IN ('title', 'description') AND EXISTS (
                       SELECT 1 FROM task_events AS e
                       WHERE e.task_id = NEW.id AND e.changes::jsonb ? n.key)
                   THEN jsonb_build_array(n.value) ELSE jsonb_build_array(task_event_value(n.key, o.value), task_event_value(n.key, n.value)) END)
        INTO changed
        FROM jsonb_each(to_jsonb(NEW)) AS n JOIN jsonb_each(to_jsonb(OLD)) AS o USING (key)
        WHERE n.key IN ('title', 'description', 'status', 'priority', 'tags', 'due_date', 'project_id', 'parent_id', 'claimed_by', 'claimed_until', 'completed_at', 'criteria', 'defer_until', 'repeat', 'repeat_of', 'discovered_from', 'duplicate_of') AND n.value IS DISTINCT FROM o.value;
        IF changed IS NULL THEN
            RETURN NULL;
        END IF;
        INSERT INTO task_events (task_id, version, at, actor, kind, changes)
        VALUES (
            NEW.id, NEW.version,
            CASE WHEN NEW.updated_at IS DISTINCT FROM OLD.updated_at THEN NEW.updated_at
                 ELSE now() END,
            who,
            coalesce(named, CASE
                WHEN OLD.status IS DISTINCT FROM NEW.status AND NEW.status = 'complete'
                    THEN 'complete'
                WHEN OLD.status IS DISTINCT FROM NEW.status AND NEW.status = 'cancelled'
                    THEN 'cancel'
                WHEN OLD.claimed_by IS DISTINCT FROM NEW.claimed_by AND NEW.claimed_by IS NULL
                    THEN 'release'
                WHEN OLD.claimed_by IS DISTINCT FROM NEW.claimed_by THEN 'claim'
                ELSE 'update' END),
            changed::text
        );
        RETURN NULL;
    END $function$
-- task_notes_event
CREATE OR REPLACE FUNCTION public.task_notes_event()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
    BEGIN
        IF nullif(current_setting('task_tracker.kind', true), '') IS DISTINCT FROM 'restore'
        THEN
            INSERT INTO task_events (task_id, version, at, actor, kind, changes)
            SELECT NEW.task_id, tasks.version, NEW.at, NEW.actor, 'note',
                   jsonb_build_object('note', jsonb_build_array(NULL, NEW.text))::text
            FROM tasks WHERE tasks.id = NEW.task_id;
        END IF;
        RETURN NULL;
    END $function$
-- task_words
CREATE OR REPLACE FUNCTION public.task_words(text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$ SELECT regexp_replace($1, '[[:punct:]]+', ' ', 'g') $function$
-- tasks_tags_check
CREATE OR REPLACE FUNCTION public.tasks_tags_check()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
    DECLARE
        given jsonb := NEW.tags::jsonb;
    BEGIN
        IF jsonb_typeof(given) = 'array' AND (
            EXISTS (
                SELECT 1 FROM jsonb_array_elements(given) AS t(v)
                WHERE jsonb_typeof(v) != 'string' OR v #>> '{}' = ''
                   OR length(v #>> '{}') > 40 OR v #>> '{}' != lower(v #>> '{}')
                   OR v #>> '{}' ~ '[\s,\u00a0[:cntrl:]]'
            )
            OR (SELECT count(*) FROM jsonb_array_elements(given))
               != (SELECT count(DISTINCT v) FROM jsonb_array_elements(given) AS t(v))
        ) THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', MESSAGE = 'tags: each tag must be 1-40 characters of lower-case text without spaces, commas or control characters, and appear once';
        END IF;
        RETURN NEW;
    END $function$
-- tasks_tags_sync
CREATE OR REPLACE FUNCTION public.tasks_tags_sync()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            DELETE FROM task_tags WHERE task_id = OLD.id;
        END IF;
        INSERT INTO task_tags (task_id, tag)
        SELECT NEW.id, tag #>> '{}' FROM jsonb_array_elements(NEW.tags::jsonb) AS tag
        WHERE jsonb_typeof(tag) = 'string'
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $function$

-- triggers
task_dependencies_event_ad: CREATE TRIGGER task_dependencies_event_ad AFTER DELETE ON public.task_dependencies FOR EACH ROW EXECUTE FUNCTION task_dependencies_event()
task_dependencies_event_ai: CREATE TRIGGER task_dependencies_event_ai AFTER INSERT ON public.task_dependencies FOR EACH ROW EXECUTE FUNCTION task_dependencies_event()
task_notes_event: CREATE TRIGGER task_notes_event AFTER INSERT ON public.task_notes FOR EACH ROW EXECUTE FUNCTION task_notes_event()
task_counts_ad: CREATE TRIGGER task_counts_ad AFTER DELETE ON public.tasks FOR EACH ROW EXECUTE FUNCTION task_counts_sync()
task_counts_ai: CREATE TRIGGER task_counts_ai AFTER INSERT ON public.tasks FOR EACH ROW EXECUTE FUNCTION task_counts_sync()
task_counts_au: CREATE TRIGGER task_counts_au AFTER UPDATE OF status ON public.tasks FOR EACH ROW WHEN (((old.status)::text IS DISTINCT FROM (new.status)::text)) EXECUTE FUNCTION task_counts_sync()
task_events_ad: CREATE TRIGGER task_events_ad AFTER DELETE ON public.tasks FOR EACH ROW EXECUTE FUNCTION task_events_forget()
task_events_ai: CREATE TRIGGER task_events_ai AFTER INSERT ON public.tasks FOR EACH ROW EXECUTE FUNCTION task_events_write()
task_events_au: CREATE TRIGGER task_events_au AFTER UPDATE ON public.tasks FOR EACH ROW EXECUTE FUNCTION task_events_write()
tasks_tags_ai: CREATE TRIGGER tasks_tags_ai AFTER INSERT ON public.tasks FOR EACH ROW EXECUTE FUNCTION tasks_tags_sync()
tasks_tags_au: CREATE TRIGGER tasks_tags_au AFTER UPDATE OF tags ON public.tasks FOR EACH ROW EXECUTE FUNCTION tasks_tags_sync()
tasks_tags_check_bi: CREATE TRIGGER tasks_tags_check_bi BEFORE INSERT ON public.tasks FOR EACH ROW EXECUTE FUNCTION tasks_tags_check()
tasks_tags_check_bu: CREATE TRIGGER tasks_tags_check_bu BEFORE UPDATE OF tags ON public.tasks FOR EACH ROW EXECUTE FUNCTION tasks_tags_check()
