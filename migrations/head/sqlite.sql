-- A SQLite database at head, as sqlite_master states it (tests/test_schema_head.py).

-- index ix_projects_lower_name
CREATE UNIQUE INDEX ix_projects_lower_name ON projects (lower(name));

-- index ix_task_dependencies_depends_on_id
CREATE INDEX ix_task_dependencies_depends_on_id ON task_dependencies (depends_on_id);

-- index ix_task_events_task_id_id
CREATE INDEX ix_task_events_task_id_id ON task_events (task_id, id);

-- index ix_task_notes_handoff
CREATE INDEX ix_task_notes_handoff ON task_notes (task_id, id) WHERE kind = 'handoff';

-- index ix_task_notes_task_id_id
CREATE INDEX ix_task_notes_task_id_id ON task_notes (task_id, id);

-- index ix_task_tags_tag_task_id
CREATE INDEX ix_task_tags_tag_task_id ON task_tags (tag, task_id);

-- index ix_tasks_claimed_by
CREATE INDEX ix_tasks_claimed_by ON tasks (claimed_by) WHERE claimed_by IS NOT NULL;

-- index ix_tasks_completed_at
CREATE INDEX ix_tasks_completed_at ON tasks (completed_at);

-- index ix_tasks_defer_until
CREATE INDEX ix_tasks_defer_until ON tasks (defer_until) WHERE defer_until IS NOT NULL;

-- index ix_tasks_discovered
CREATE INDEX ix_tasks_discovered ON tasks (id) WHERE discovered_from IS NOT NULL;

-- index ix_tasks_discovered_from
CREATE INDEX ix_tasks_discovered_from ON tasks (discovered_from) WHERE discovered_from IS NOT NULL;

-- index ix_tasks_due_date
CREATE INDEX ix_tasks_due_date ON tasks (due_date);

-- index ix_tasks_duplicate_of
CREATE INDEX ix_tasks_duplicate_of ON tasks (duplicate_of) WHERE duplicate_of IS NOT NULL;

-- index ix_tasks_parent_id
CREATE INDEX ix_tasks_parent_id ON tasks (parent_id);

-- index ix_tasks_project_id
CREATE INDEX ix_tasks_project_id ON tasks (project_id);

-- index ix_tasks_repeat_of
CREATE INDEX ix_tasks_repeat_of ON tasks (repeat_of) WHERE repeat_of IS NOT NULL;

-- index ix_tasks_status_due_date
CREATE INDEX ix_tasks_status_due_date ON tasks (status, due_date);

-- index ix_tasks_status_id
CREATE INDEX ix_tasks_status_id ON tasks (status, id);

-- index ix_tasks_status_priority_due_date
CREATE INDEX ix_tasks_status_priority_due_date ON tasks (status, priority, due_date);

-- index ix_tasks_status_priority_id
CREATE INDEX ix_tasks_status_priority_id ON tasks (status, priority, id);

-- index ix_tasks_status_updated_at
CREATE INDEX ix_tasks_status_updated_at ON tasks (status, updated_at);

-- index ix_tasks_updated_at
CREATE INDEX ix_tasks_updated_at ON tasks (updated_at);

-- index ix_trash_deleted_at
CREATE INDEX ix_trash_deleted_at ON trash (deleted_at);

-- index ix_trash_tasks_trash_id
CREATE INDEX ix_trash_tasks_trash_id ON trash_tasks (trash_id);

-- table alembic_version
CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

-- table projects
CREATE TABLE projects (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    name VARCHAR(100) NOT NULL,
    description TEXT DEFAULT '' NOT NULL,
    archived BOOLEAN DEFAULT 0 NOT NULL,
    created_at VARCHAR(32) DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now')) NOT NULL,
    review BOOLEAN DEFAULT 0 NOT NULL CONSTRAINT ck_projects_review CHECK (review IN (0, 1)),
    CONSTRAINT ck_projects_ck_projects_description CHECK (length(description) <= 10000),
    CONSTRAINT ck_projects_ck_projects_name CHECK (length(name) BETWEEN 1 AND 100 AND name = trim(name))
);

-- table sqlite_sequence
CREATE TABLE sqlite_sequence (
    name,
    seq
);

-- table task_counts
CREATE TABLE task_counts (
    status VARCHAR(16) NOT NULL,
    n INTEGER DEFAULT '0' NOT NULL,
    CONSTRAINT pk_task_counts PRIMARY KEY (status)
);

-- table task_dependencies
CREATE TABLE task_dependencies (
    task_id INTEGER NOT NULL,
    depends_on_id INTEGER NOT NULL,
    CONSTRAINT ck_task_dependencies_ck_task_dependencies_not_itself CHECK (task_id != depends_on_id),
    CONSTRAINT fk_task_dependencies_depends_on_id_tasks FOREIGN KEY(depends_on_id) REFERENCES tasks (id) ON DELETE CASCADE,
    CONSTRAINT fk_task_dependencies_task_id_tasks FOREIGN KEY(task_id) REFERENCES tasks (id) ON DELETE CASCADE,
    CONSTRAINT pk_task_dependencies PRIMARY KEY (task_id, depends_on_id)
);

-- table task_event_actor
CREATE TABLE task_event_actor (
    id INTEGER NOT NULL,
    actor VARCHAR(100),
    kind VARCHAR(16),
    CONSTRAINT ck_task_event_actor_ck_task_event_actor_one_row CHECK (id = 1),
    CONSTRAINT pk_task_event_actor PRIMARY KEY (id)
);

-- table task_events
CREATE TABLE task_events (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    task_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    at VARCHAR(32) NOT NULL,
    actor VARCHAR(100),
    kind VARCHAR(16) NOT NULL,
    changes TEXT DEFAULT '{}' NOT NULL
);

-- table task_notes
CREATE TABLE task_notes (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    task_id INTEGER NOT NULL,
    at VARCHAR(32) DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now')) NOT NULL,
    actor VARCHAR(100),
    text TEXT NOT NULL,
    kind VARCHAR(16) DEFAULT 'note' NOT NULL CONSTRAINT ck_task_notes_kind CHECK (kind IN ('note', 'handoff')),
    CONSTRAINT ck_task_notes_ck_task_notes_text CHECK (length(text) BETWEEN 1 AND 2000),
    CONSTRAINT fk_task_notes_task_id_tasks FOREIGN KEY(task_id) REFERENCES tasks (id) ON DELETE CASCADE
);

-- table task_notes_fts
CREATE VIRTUAL TABLE task_notes_fts USING fts5(
    text,
    content='task_notes', content_rowid='id',
    tokenize="porter unicode61 remove_diacritics 2",
    prefix='2 3'
);

-- table task_notes_fts_config
CREATE TABLE 'task_notes_fts_config' (
    k PRIMARY KEY,
    v
);

-- table task_notes_fts_data
CREATE TABLE 'task_notes_fts_data' (
    id INTEGER PRIMARY KEY,
    block BLOB
);

-- table task_notes_fts_docsize
CREATE TABLE 'task_notes_fts_docsize' (
    id INTEGER PRIMARY KEY,
    sz BLOB
);

-- table task_notes_fts_idx
CREATE TABLE 'task_notes_fts_idx' (
    segid,
    term,
    pgno,
    PRIMARY KEY(segid, term)
);

-- table task_tags
CREATE TABLE task_tags (
    task_id INTEGER NOT NULL,
    tag VARCHAR(40) NOT NULL,
    CONSTRAINT fk_task_tags_task_id_tasks FOREIGN KEY(task_id) REFERENCES tasks (id) ON DELETE CASCADE,
    CONSTRAINT pk_task_tags PRIMARY KEY (task_id, tag)
);

-- table tasks
CREATE TABLE "tasks" (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    title VARCHAR(200) NOT NULL,
    description TEXT DEFAULT '' NOT NULL,
    status VARCHAR(16) DEFAULT 'pending' NOT NULL,
    priority VARCHAR(16) DEFAULT 'medium' NOT NULL,
    tags TEXT DEFAULT '[]' NOT NULL,
    due_date VARCHAR(10),
    created_at VARCHAR(32) DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now')) NOT NULL,
    updated_at VARCHAR(32) DEFAULT (strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now')) NOT NULL,
    completed_at VARCHAR(32),
    version INTEGER DEFAULT '1' NOT NULL,
    project_id INTEGER,
    parent_id INTEGER,
    claimed_by VARCHAR(100),
    claimed_until VARCHAR(32),
    claimed_paths TEXT,
    criteria TEXT CONSTRAINT ck_tasks_criteria CHECK (criteria IS NULL OR (json_valid(criteria) AND json_type(criteria) = 'array' AND json_array_length(criteria) BETWEEN 1 AND 20)),
    defer_until VARCHAR(32) CONSTRAINT ck_tasks_defer_until CHECK (defer_until IS NULL OR (defer_until GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]+00:00' AND datetime(substr(defer_until, 1, 19)) IS replace(substr(defer_until, 1, 19), 'T', ' '))),
    repeat VARCHAR(32) CONSTRAINT ck_tasks_repeat CHECK (repeat IS NULL OR repeat IN ('daily', 'weekly', 'monthly', 'weekdays') OR repeat GLOB 'every [1-9] days' OR repeat GLOB 'every [1-9][0-9] days' OR repeat GLOB 'every [1-9][0-9][0-9] days' OR repeat GLOB 'every [1-9] weeks' OR repeat GLOB 'every [1-9][0-9] weeks'),
    repeat_of INTEGER CONSTRAINT fk_tasks_repeat_of_tasks REFERENCES tasks (id) ON DELETE SET NULL CONSTRAINT ck_tasks_repeat_of CHECK (repeat_of != id),
    discovered_from INTEGER CONSTRAINT fk_tasks_discovered_from_tasks REFERENCES tasks (id) ON DELETE SET NULL CONSTRAINT ck_tasks_discovered_from CHECK (discovered_from != id),
    duplicate_of INTEGER CONSTRAINT fk_tasks_duplicate_of_tasks REFERENCES tasks (id) ON DELETE SET NULL CONSTRAINT ck_tasks_duplicate_of CHECK (duplicate_of != id),
    review BOOLEAN CONSTRAINT ck_tasks_review CHECK (review IS NULL OR review IN (0, 1)),
    submitted_by VARCHAR(100),
    CONSTRAINT ck_tasks_completed_at CHECK ((status = 'complete') = (completed_at IS NOT NULL) AND (completed_at IS NULL OR completed_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]+00:00' AND date(substr(completed_at, 1, 10), '+0 days') IS substr(completed_at, 1, 10) AND time(substr(completed_at, 12, 8)) IS substr(completed_at, 12, 8))),
    CONSTRAINT ck_tasks_created_at CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]+00:00' AND date(substr(created_at, 1, 10), '+0 days') IS substr(created_at, 1, 10) AND time(substr(created_at, 12, 8)) IS substr(created_at, 12, 8)),
    CONSTRAINT ck_tasks_description CHECK (length(description) <= 10000),
    CONSTRAINT ck_tasks_due_date CHECK (due_date IS NULL OR date(due_date, '+0 days') IS due_date),
    CONSTRAINT ck_tasks_id CHECK (id BETWEEN 1 AND 9007199254740991),
    CONSTRAINT ck_tasks_parent_id CHECK (parent_id != id),
    CONSTRAINT ck_tasks_priority CHECK (priority IN ('low', 'medium', 'high')),
    CONSTRAINT ck_tasks_status CHECK (status IN ('pending', 'in_progress', 'in_review', 'complete', 'cancelled')),
    CONSTRAINT ck_tasks_tags CHECK (json_valid(tags) AND json_type(tags) = 'array' AND json_array_length(tags) <= 20),
    CONSTRAINT ck_tasks_title CHECK (length(title) BETWEEN 1 AND 200 AND title = trim(title)),
    CONSTRAINT ck_tasks_updated_at CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]+00:00' AND date(substr(updated_at, 1, 10), '+0 days') IS substr(updated_at, 1, 10) AND time(substr(updated_at, 12, 8)) IS substr(updated_at, 12, 8)),
    CONSTRAINT ck_tasks_version CHECK (version BETWEEN 1 AND 9007199254740991),
    CONSTRAINT fk_tasks_parent_id_tasks FOREIGN KEY(parent_id) REFERENCES tasks (id) ON DELETE CASCADE,
    CONSTRAINT fk_tasks_project_id_projects FOREIGN KEY(project_id) REFERENCES projects (id) ON DELETE SET NULL
);

-- table tasks_fts
CREATE VIRTUAL TABLE tasks_fts USING fts5(
    title, description, tags,
    content='tasks', content_rowid='id',
    tokenize="porter unicode61 remove_diacritics 2",
    prefix='2 3'
);

-- table tasks_fts_config
CREATE TABLE 'tasks_fts_config' (
    k PRIMARY KEY,
    v
);

-- table tasks_fts_data
CREATE TABLE 'tasks_fts_data' (
    id INTEGER PRIMARY KEY,
    block BLOB
);

-- table tasks_fts_docsize
CREATE TABLE 'tasks_fts_docsize' (
    id INTEGER PRIMARY KEY,
    sz BLOB
);

-- table tasks_fts_idx
CREATE TABLE 'tasks_fts_idx' (
    segid,
    term,
    pgno,
    PRIMARY KEY(segid, term)
);

-- table trash
CREATE TABLE trash (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    task_id INTEGER NOT NULL,
    title VARCHAR(200) NOT NULL,
    deleted_at VARCHAR(32) NOT NULL,
    deleted_by VARCHAR(100),
    content TEXT NOT NULL
);

-- table trash_tasks
CREATE TABLE trash_tasks (
    task_id INTEGER NOT NULL,
    trash_id INTEGER NOT NULL,
    CONSTRAINT fk_trash_tasks_trash_id_trash FOREIGN KEY(trash_id) REFERENCES trash (id) ON DELETE CASCADE,
    CONSTRAINT pk_trash_tasks PRIMARY KEY (task_id)
);

-- trigger task_counts_ad
CREATE TRIGGER task_counts_ad AFTER DELETE ON tasks BEGIN
            UPDATE task_counts SET n = n - 1 WHERE status = old.status;
        END;

-- trigger task_counts_ai
CREATE TRIGGER task_counts_ai AFTER INSERT ON tasks BEGIN
            UPDATE task_counts SET n = n + 1 WHERE status = new.status;
        END;

-- trigger task_counts_au
CREATE TRIGGER task_counts_au AFTER UPDATE OF status ON tasks
        WHEN old.status IS NOT new.status BEGIN
            UPDATE task_counts SET n = n - 1 WHERE status = old.status;
            UPDATE task_counts SET n = n + 1 WHERE status = new.status;
        END;

-- trigger task_dependencies_event_ad
CREATE TRIGGER task_dependencies_event_ad AFTER DELETE ON task_dependencies BEGIN
            
            INSERT INTO task_events (task_id, version, at, actor, kind, changes)
            SELECT tasks.id, tasks.version, strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now'), (SELECT actor FROM task_event_actor WHERE id = 1), coalesce((SELECT kind FROM task_event_actor WHERE id = 1), 'update'),
                   json_object('depends_on', json_array(old.depends_on_id, NULL))
            FROM tasks WHERE tasks.id = old.task_id;
        END;

-- trigger task_dependencies_event_ai
CREATE TRIGGER task_dependencies_event_ai AFTER INSERT ON task_dependencies BEGIN
            
            INSERT INTO task_events (task_id, version, at, actor, kind, changes)
            SELECT tasks.id, tasks.version, strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now'), (SELECT actor FROM task_event_actor WHERE id = 1), coalesce((SELECT kind FROM task_event_actor WHERE id = 1), 'update'),
                   json_object('depends_on', json_array(NULL, new.depends_on_id))
            FROM tasks WHERE tasks.id = new.task_id;
        END;

-- trigger task_events_ad
CREATE TRIGGER task_events_ad AFTER DELETE ON tasks WHEN NOT EXISTS (SELECT 1 FROM trash_tasks WHERE trash_tasks.task_id = old.id) BEGIN
            DELETE FROM task_events WHERE task_id = old.id;
        END;

-- trigger task_events_ai
CREATE TRIGGER task_events_ai AFTER INSERT ON tasks BEGIN
            INSERT INTO task_events (task_id, version, at, actor, kind, changes)
            VALUES (
                new.id, new.version, new.created_at, (SELECT actor FROM task_event_actor WHERE id = 1), coalesce((SELECT kind FROM task_event_actor WHERE id = 1), 'create'),
                (SELECT json_group_object(field, json(change)) FROM (SELECT 'title' AS field, json_array(NULL, new.title) AS change WHERE new.title IS NOT NULL UNION ALL SELECT 'description' AS field, json_array(NULL, new.description) AS change WHERE new.description IS NOT NULL UNION ALL SELECT 'status' AS field, json_array(NULL, new.status) AS change WHERE new.status IS NOT NULL UNION ALL SELECT 'priority' AS field, json_array(NULL, new.priority) AS change WHERE new.priority IS NOT NULL UNION ALL SELECT 'tags' AS field, json_array(NULL, json(new.tags)) AS change WHERE new.tags IS NOT NULL UNION ALL SELECT 'due_date' AS field, json_array(NULL, new.due_date) AS change WHERE new.due_date IS NOT NULL UNION ALL SELECT 'project_id' AS field, json_array(NULL, new.project_id) AS change WHERE new.project_id IS NOT NULL UNION ALL SELECT 'parent_id' AS field, json_array(NULL, new.parent_id) AS change WHERE new.parent_id IS NOT NULL UNION ALL SELECT 'claimed_by' AS field, json_array(NULL, new.claimed_by) AS change WHERE new.claimed_by IS NOT NULL UNION ALL SELECT 'claimed_until' AS field, json_array(NULL, new.claimed_until) AS change WHERE new.claimed_until IS NOT NULL UNION ALL SELECT 'completed_at' AS field, json_array(NULL, new.completed_at) AS change WHERE new.completed_at IS NOT NULL UNION ALL SELECT 'criteria' AS field, json_array(NULL, json(new.criteria)) AS change WHERE new.criteria IS NOT NULL UNION ALL SELECT 'defer_until' AS field, json_array(NULL, new.defer_until) AS change WHERE new.defer_until IS NOT NULL UNION ALL SELECT 'repeat' AS field, json_array(NULL, new.repeat) AS change WHERE new.repeat IS NOT NULL UNION ALL SELECT 'repeat_of' AS field, json_array(NULL, new.repeat_of) AS change WHERE new.repeat_of IS NOT NULL UNION ALL SELECT 'discovered_from' AS field, json_array(NULL, new.discovered_from) AS change WHERE new.discovered_from IS NOT NULL UNION ALL SELECT 'duplicate_of' AS field, json_array(NULL, new.duplicate_of) AS change WHERE new.duplicate_of IS NOT NULL))
            );
        END;

-- trigger task_events_au
CREATE TRIGGER task_events_au AFTER UPDATE ON tasks WHEN old.title IS NOT new.title OR old.description IS NOT new.description OR old.status IS NOT new.status OR old.priority IS NOT new.priority OR old.tags IS NOT new.tags OR old.due_date IS NOT new.due_date OR old.project_id IS NOT new.project_id OR old.parent_id IS NOT new.parent_id OR old.claimed_by IS NOT new.claimed_by OR old.claimed_until IS NOT new.claimed_until OR old.completed_at IS NOT new.completed_at OR old.criteria IS NOT new.criteria OR old.defer_until IS NOT new.defer_until OR old.repeat IS NOT new.repeat OR old.repeat_of IS NOT new.repeat_of OR old.discovered_from IS NOT new.discovered_from OR old.duplicate_of IS NOT new.duplicate_of BEGIN
            INSERT INTO task_events (task_id, version, at, actor, kind, changes)
            VALUES (
                new.id,
                new.version,
                CASE WHEN new.updated_at IS NOT old.updated_at THEN new.updated_at
                     ELSE strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now') END,
                (SELECT actor FROM task_event_actor WHERE id = 1),
                coalesce((SELECT kind FROM task_event_actor WHERE id = 1), CASE
    WHEN old.status IS NOT new.status AND new.status = 'complete' THEN 'complete'
    WHEN old.status IS NOT new.status AND new.status = 'cancelled' THEN 'cancel'
    WHEN old.claimed_by IS NOT new.claimed_by AND new.claimed_by IS NULL THEN 'release'
    WHEN old.claimed_by IS NOT new.claimed_by THEN 'claim'
    ELSE 'update' END),
                (SELECT json_group_object(field, json(change)) FROM (SELECT 'title' AS field, CASE WHEN EXISTS (SELECT 1 FROM task_events WHERE task_id = new.id AND json_type(changes, '$.title') IS NOT NULL) THEN json_array(new.title) ELSE json_array(old.title, new.title) END AS change WHERE old.title IS NOT new.title UNION ALL SELECT 'description' AS field, CASE WHEN EXISTS (SELECT 1 FROM task_events WHERE task_id = new.id AND json_type(changes, '$.description') IS NOT NULL) THEN json_array(new.description) ELSE json_array(old.description, new.description) END AS change WHERE old.description IS NOT new.description UNION ALL SELECT 'status' AS field, json_array(old.status, new.status) AS change WHERE old.status IS NOT new.status UNION ALL SELECT 'priority' AS field, json_array(old.priority, new.priority) AS change WHERE old.priority IS NOT new.priority UNION ALL SELECT 'tags' AS field, json_array(json(old.tags), json(new.tags)) AS change WHERE old.tags IS NOT new.tags UNION ALL SELECT 'due_date' AS field, json_array(old.due_date, new.due_date) AS change WHERE old.due_date IS NOT new.due_date UNION ALL SELECT 'project_id' AS field, json_array(old.project_id, new.project_id) AS change WHERE old.project_id IS NOT new.project_id UNION ALL SELECT 'parent_id' AS field, json_array(old.parent_id, new.parent_id) AS change WHERE old.parent_id IS NOT new.parent_id UNION ALL SELECT 'claimed_by' AS field, json_array(old.claimed_by, new.claimed_by) AS change WHERE old.claimed_by IS NOT new.claimed_by UNION ALL SELECT 'claimed_until' AS field, json_array(old.claimed_until, new.claimed_until) AS change WHERE old.claimed_until IS NOT new.claimed_until UNION ALL SELECT 'completed_at' AS field, json_array(old.completed_at, new.completed_at) AS change WHERE old.completed_at IS NOT new.completed_at UNION ALL SELECT 'criteria' AS field, json_array(json(old.criteria), json(new.criteria)) AS change WHERE old.criteria IS NOT new.criteria UNION ALL SELECT 'defer_until' AS field, json_array(old.defer_until, new.defer_until) AS change WHERE old.defer_until IS NOT new.defer_until UNION ALL SELECT 'repeat' AS field, json_array(old.repeat, new.repeat) AS change WHERE old.repeat IS NOT new.repeat UNION ALL SELECT 'repeat_of' AS field, json_array(old.repeat_of, new.repeat_of) AS change WHERE old.repeat_of IS NOT new.repeat_of UNION ALL SELECT 'discovered_from' AS field, json_array(old.discovered_from, new.discovered_from) AS change WHERE old.discovered_from IS NOT new.discovered_from UNION ALL SELECT 'duplicate_of' AS field, json_array(old.duplicate_of, new.duplicate_of) AS change WHERE old.duplicate_of IS NOT new.duplicate_of))
            );
        END;

-- trigger task_events_trashed
CREATE TRIGGER task_events_trashed AFTER DELETE ON tasks WHEN EXISTS (SELECT 1 FROM trash_tasks WHERE trash_tasks.task_id = old.id) BEGIN
            INSERT INTO task_events (task_id, version, at, actor, kind, changes)
            VALUES (
                old.id, old.version, strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now'),
                (SELECT actor FROM task_event_actor WHERE id = 1), 'delete', '{}'
            );
        END;

-- trigger task_notes_event
CREATE TRIGGER task_notes_event AFTER INSERT ON task_notes
    WHEN (SELECT kind FROM task_event_actor WHERE id = 1) IS NOT 'restore' BEGIN
        INSERT INTO task_events (task_id, version, at, actor, kind, changes)
        SELECT new.task_id, tasks.version, new.at, new.actor, 'note',
               json_object('note', json_array(NULL, new.text))
        FROM tasks WHERE tasks.id = new.task_id;
    END;

-- trigger task_notes_fts_ad
CREATE TRIGGER task_notes_fts_ad AFTER DELETE ON task_notes BEGIN
            INSERT INTO task_notes_fts (task_notes_fts, rowid, text)
            VALUES ('delete', old.id, old.text);
        END;

-- trigger task_notes_fts_ai
CREATE TRIGGER task_notes_fts_ai AFTER INSERT ON task_notes BEGIN
            INSERT INTO task_notes_fts (rowid, text) VALUES (new.id, new.text);
        END;

-- trigger task_notes_fts_au
CREATE TRIGGER task_notes_fts_au AFTER UPDATE OF id, text ON task_notes BEGIN
            INSERT INTO task_notes_fts (task_notes_fts, rowid, text)
            VALUES ('delete', old.id, old.text);
            INSERT INTO task_notes_fts (rowid, text) VALUES (new.id, new.text);
        END;

-- trigger tasks_fts_ad
CREATE TRIGGER tasks_fts_ad AFTER DELETE ON tasks BEGIN
            INSERT INTO tasks_fts (tasks_fts, rowid, title, description, tags)
            VALUES ('delete', old.id, old.title, old.description, old.tags);
        END;

-- trigger tasks_fts_ai
CREATE TRIGGER tasks_fts_ai AFTER INSERT ON tasks BEGIN
            INSERT INTO tasks_fts (rowid, title, description, tags)
            VALUES (new.id, new.title, new.description, new.tags);
        END;

-- trigger tasks_fts_au
CREATE TRIGGER tasks_fts_au AFTER UPDATE OF id, title, description, tags ON tasks BEGIN
            INSERT INTO tasks_fts (tasks_fts, rowid, title, description, tags)
            VALUES ('delete', old.id, old.title, old.description, old.tags);
            INSERT INTO tasks_fts (rowid, title, description, tags)
            VALUES (new.id, new.title, new.description, new.tags);
        END;

-- trigger tasks_tags_ad
CREATE TRIGGER tasks_tags_ad AFTER DELETE ON tasks BEGIN
            DELETE FROM task_tags WHERE task_id = old.id;
        END;

-- trigger tasks_tags_ai
CREATE TRIGGER tasks_tags_ai AFTER INSERT ON tasks BEGIN
            INSERT OR IGNORE INTO task_tags (task_id, tag)
            SELECT new.id, value FROM json_each(new.tags) WHERE type = 'text';
        END;

-- trigger tasks_tags_au
CREATE TRIGGER tasks_tags_au AFTER UPDATE OF tags ON tasks BEGIN
            DELETE FROM task_tags WHERE task_id = old.id;
            INSERT OR IGNORE INTO task_tags (task_id, tag)
            SELECT new.id, value FROM json_each(new.tags) WHERE type = 'text';
        END;

-- trigger tasks_tags_check_bi
CREATE TRIGGER tasks_tags_check_bi BEFORE INSERT ON tasks WHEN json_valid(new.tags) AND json_type(new.tags) = 'array' AND (EXISTS (
    SELECT 1 FROM json_each(new.tags)
    WHERE type != 'text' OR value = '' OR length(value) > 40 OR value != lower(value)
       OR value GLOB '*[ ,' || char(9, 10, 11, 12, 13, 160) || ']*'
       OR value GLOB '*[' || char(1) || '-' || char(31) || char(127) || ']*'
) OR new.tags LIKE '%\u0000%' OR (SELECT count(*) FROM json_each(new.tags))
   != (SELECT count(DISTINCT value) FROM json_each(new.tags)))
        BEGIN
            SELECT RAISE(ABORT, 'tags: each tag must be 1-40 characters of lower-case text without spaces, commas or control characters, and appear once');
        END;

-- trigger tasks_tags_check_bu
CREATE TRIGGER tasks_tags_check_bu BEFORE UPDATE OF tags ON tasks WHEN json_valid(new.tags) AND json_type(new.tags) = 'array' AND (EXISTS (
    SELECT 1 FROM json_each(new.tags)
    WHERE type != 'text' OR value = '' OR length(value) > 40 OR value != lower(value)
       OR value GLOB '*[ ,' || char(9, 10, 11, 12, 13, 160) || ']*'
       OR value GLOB '*[' || char(1) || '-' || char(31) || char(127) || ']*'
) OR new.tags LIKE '%\u0000%' OR (SELECT count(*) FROM json_each(new.tags))
   != (SELECT count(DISTINCT value) FROM json_each(new.tags)))
        BEGIN
            SELECT RAISE(ABORT, 'tags: each tag must be 1-40 characters of lower-case text without spaces, commas or control characters, and appear once');
        END;
