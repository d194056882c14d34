//! The PostgreSQL engine, shared by several server replicas: a connection
//! re-opened after it was lost, its prepared statements, parameters sent as
//! whatever type the server inferred, rows read back as [`Value`]s.
//!
//! The `postgres` crate (the synchronous face of tokio-postgres) is used
//! because every store call is a blocking call, exactly like rusqlite: one
//! calling convention for both engines, no async plumbing through the
//! accounts code. Its client blocks on a runtime of its own, which tokio
//! forbids on a thread that drives async tasks (an actix worker); so each
//! connection lives on a thread of its own and callers hand it work over
//! a channel, which is safe from any thread and costs microseconds against
//! the network round trip.

use std::collections::HashMap;
use std::error::Error as StdError;
use std::sync::mpsc;

use bytes::BytesMut;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, NoTls, Statement};

use super::tls::{Connect, connect_options};

use super::dialect::postgres_params;
use super::{DbError, Param, Row, Value};

type Job = Box<dyn FnOnce(&mut Session) + Send>;

/// One connection: the handle callers hold.
pub struct PgConn {
    jobs: mpsc::Sender<Job>,
}

/// What the connection's thread owns.
struct Session {
    connect: Connect,
    client: Option<Client>,
    statements: HashMap<String, Statement>,
}

impl PgConn {
    /// Connects at once, so that a wrong URL or a server that is down is
    /// reported at start-up.
    pub fn connect(url: &str) -> Result<PgConn, DbError> {
        let (jobs, inbox) = mpsc::channel::<Job>();
        let mut session = Session {
            connect: connect_options(url)?,
            client: None,
            statements: HashMap::new(),
        };
        let (ready, connected) = mpsc::sync_channel(1);
        std::thread::Builder::new()
            .name("postgres".into())
            .spawn(move || {
                let _ = ready.send(session.ensure_connected(false));
                for job in inbox {
                    job(&mut session);
                }
            })
            .map_err(|e| DbError::Thread(e.to_string()))?;
        connected.recv().map_err(|_| gone())??;
        Ok(PgConn { jobs })
    }

    fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Session) -> Result<T, DbError> + Send + 'static,
    ) -> Result<T, DbError> {
        let (reply, answer) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |session| {
            let _ = reply.send(work(session));
        });
        self.jobs.send(job).map_err(|_| gone())?;
        answer.recv().map_err(|_| gone())?
    }

    pub fn execute(&self, sql: &str, params: &[Param], tx: bool) -> Result<usize, DbError> {
        let (sql, params) = (sql.to_owned(), owned(params));
        self.run(move |s| {
            let args = pg_args(&params);
            let n = s.with_statement(&sql, tx, |c, stmt| c.execute(stmt, &args))?;
            Ok(n as usize)
        })
    }

    pub fn query(&self, sql: &str, params: &[Param], tx: bool) -> Result<Vec<Row>, DbError> {
        let (sql, params) = (sql.to_owned(), owned(params));
        self.run(move |s| {
            let args = pg_args(&params);
            let rows = s.with_statement(&sql, tx, |c, stmt| c.query(stmt, &args))?;
            rows.iter().map(row).collect()
        })
    }

    /// Runs statements without parameters (transaction control, migrations).
    pub fn batch(&self, sql: &str, tx: bool) -> Result<(), DbError> {
        let sql = sql.to_owned();
        self.run(move |s| {
            s.ensure_connected(tx)?;
            Ok(s.client.as_mut().expect("connected").batch_execute(&sql)?)
        })
    }
}

fn gone() -> DbError {
    DbError::Thread("the connection's thread has stopped".into())
}

impl Session {
    /// Reconnects when the server closed the connection, except inside a
    /// transaction, whose work would silently be lost.
    fn ensure_connected(&mut self, in_transaction: bool) -> Result<(), DbError> {
        if self.client.as_ref().is_some_and(|c| !c.is_closed()) {
            return Ok(());
        }
        if in_transaction && self.client.is_some() {
            return Err(DbError::LostInTransaction);
        }
        self.statements.clear();
        let mut client = match &self.connect.tls {
            Some(tls) => Client::connect(&self.connect.url, tls.clone())?,
            None => Client::connect(&self.connect.url, NoTls)?,
        };
        // Notices ("relation already exists, skipping") are not news: the
        // logs would carry one per migration step at every start.
        client.batch_execute("SET client_min_messages TO warning")?;
        self.client = Some(client);
        Ok(())
    }

    fn with_statement<T>(
        &mut self,
        sql: &str,
        in_transaction: bool,
        run: impl FnOnce(&mut Client, &Statement) -> Result<T, postgres::Error>,
    ) -> Result<T, DbError> {
        self.ensure_connected(in_transaction)?;
        let client = self.client.as_mut().expect("connected above");
        let stmt = match self.statements.get(sql) {
            Some(stmt) => stmt.clone(),
            None => {
                let stmt = client.prepare(&postgres_params(sql))?;
                self.statements.insert(sql.to_owned(), stmt.clone());
                stmt
            }
        };
        Ok(run(client, &stmt)?)
    }
}

fn owned(params: &[Param]) -> Vec<Param<'static>> {
    params.iter().map(Param::to_owned_param).collect()
}

fn pg_args<'a>(params: &'a [Param]) -> Vec<&'a (dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

fn row(r: &postgres::Row) -> Result<Row, DbError> {
    (0..r.len())
        .map(|i| column(r, i))
        .collect::<Result<_, _>>()
        .map(Row)
}

fn column(r: &postgres::Row, i: usize) -> Result<Value, DbError> {
    let ty = r.columns()[i].type_();
    let value = match *ty {
        Type::BOOL => r
            .try_get::<_, Option<bool>>(i)?
            .map(|b| Value::Int(b.into())),
        Type::INT2 => r
            .try_get::<_, Option<i16>>(i)?
            .map(|v| Value::Int(v.into())),
        Type::INT4 => r
            .try_get::<_, Option<i32>>(i)?
            .map(|v| Value::Int(v.into())),
        Type::INT8 => r.try_get::<_, Option<i64>>(i)?.map(Value::Int),
        Type::FLOAT4 => r
            .try_get::<_, Option<f32>>(i)?
            .map(|v| Value::Real(v.into())),
        Type::FLOAT8 => r.try_get::<_, Option<f64>>(i)?.map(Value::Real),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => {
            r.try_get::<_, Option<String>>(i)?.map(Value::Text)
        }
        Type::BYTEA => r.try_get::<_, Option<Vec<u8>>>(i)?.map(Value::Bytes),
        _ => {
            return Err(DbError::Unsupported {
                index: i,
                ty: ty.name().to_owned(),
            });
        }
    };
    Ok(value.unwrap_or(Value::Null))
}

type ToSqlResult = Result<IsNull, Box<dyn StdError + Sync + Send>>;

/// Sends each parameter as the type PostgreSQL inferred for it: an integer
/// goes as `bigint`, `integer`, `smallint`, `boolean` or `double`, as the
/// statement needs, so the code passes one Rust type per value whatever
/// the column.
impl ToSql for Param<'_> {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> ToSqlResult {
        match (self, ty) {
            (Param::Null, _) => Ok(IsNull::Yes),
            (Param::Int(v), &Type::INT8) => v.to_sql(ty, out),
            (Param::Int(v), &Type::INT4) => i32::try_from(*v)?.to_sql(ty, out),
            (Param::Int(v), &Type::INT2) => i16::try_from(*v)?.to_sql(ty, out),
            (Param::Int(v), &Type::BOOL) => (*v != 0).to_sql(ty, out),
            (Param::Int(v), &Type::FLOAT8) => (*v as f64).to_sql(ty, out),
            (Param::Real(v), &Type::FLOAT8) => v.to_sql(ty, out),
            (Param::Real(v), &Type::FLOAT4) => (*v as f32).to_sql(ty, out),
            (Param::Text(s), &Type::TEXT | &Type::VARCHAR | &Type::BPCHAR | &Type::NAME) => {
                s.as_ref().to_sql(ty, out)
            }
            (Param::Bytes(b), &Type::BYTEA) => b.as_ref().to_sql(ty, out),
            _ => Err(Box::new(DbError::Parameter {
                param: self.kind(),
                ty: ty.name().to_owned(),
            })),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}
