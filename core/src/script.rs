//! The one place that knows Rhai: the sandboxed engine, compiling expressions once,
//! native plans for simple expressions, and evaluating with no-value propagation.
//!
//! Every expression of a scheme is compiled at load. A bare name or simple arithmetic
//! over numbers and booleans becomes a native [`Plan`] that never touches Rhai; anything
//! else keeps its Rhai AST. Both paths use the same decimal operations and the same
//! provided functions ([`crate::value::call`]), so they give the same answers.
//!
//! No value: an expression that reads a name with no value has no value itself,
//! without running, except where the name only appears inside an array given to an
//! aggregate (`mean`, `sum`, `count`, `min`, `max`), which skips absent elements.

use std::collections::HashMap;
use std::sync::Arc;

use rhai::{
    AST, ASTNode, Dynamic, Engine, EvalAltResult, Expr, FnCallExpr, ImmutableString, ParseErrorType, Position, Scope,
    Stmt, Token,
};
use rust_decimal::Decimal;
use smallvec::SmallVec;

use crate::error::{ErrorCode, KaoheError};
use crate::value::{Arg, Func, Val};

/// Sandbox limits: generous for formulas, small enough that a runaway script stops in milliseconds.
pub const MAX_OPERATIONS: u64 = 200_000;
/// Deepest function call nesting.
pub const MAX_CALL_LEVELS: usize = 32;
/// Deepest expression nesting (global, inside functions).
pub const MAX_EXPR_DEPTH: (usize, usize) = (64, 32);
/// Longest string.
pub const MAX_STRING_SIZE: usize = 10_000;
/// Largest array.
pub const MAX_ARRAY_SIZE: usize = 10_000;
/// Largest object map.
pub const MAX_MAP_SIZE: usize = 1_000;
/// Most variables a script may declare.
pub const MAX_VARIABLES: usize = 256;

/// The static type of a name or an expression, as far as it is known at load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    Num,
    Bool,
    /// Text, ratings, or the result of a Rhai script: only Rhai handles these.
    Other,
}

/// A name an expression may read: its slot and static type.
#[derive(Debug, Clone)]
pub(crate) struct NameInfo {
    pub slot: usize,
    pub ty: Ty,
}

/// A name an expression reads.
#[derive(Debug, Clone)]
pub(crate) struct Read {
    pub slot: usize,
    pub name: ImmutableString,
    /// Read outside any aggregate: no value here means no value for the whole expression.
    pub strict: bool,
}

/// Binary operators of native plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

/// A native evaluation plan for a simple expression.
#[derive(Debug, Clone)]
pub(crate) enum Plan {
    Const(Val),
    Slot(usize),
    /// A `let` local of a script.
    Local(usize),
    /// `let` bindings (local index, value) then a result.
    Block(Vec<(usize, Plan)>, Box<Plan>),
    /// `if cond { a } else { b }` (no else: no value).
    If(Box<Plan>, Box<Plan>, Box<Plan>),
    Neg(Box<Plan>),
    Not(Box<Plan>),
    Bin(BinOp, Box<Plan>, Box<Plan>),
    And(Vec<Plan>),
    Or(Vec<Plan>),
    Call(Func, Vec<PlanArg>),
}

/// A number or no value; `Err(())` for any other value.
fn number(v: &Val) -> Result<Option<Decimal>, ()> {
    match v {
        Val::Num(d) => Ok(Some(*d)),
        Val::None => Ok(None),
        _ => Err(()),
    }
}

/// The usual calls, `safe_div(a, b)` and `mean`, `sum` or `count` of an array, on
/// numbers read straight from their plans, with no argument buffers. `None` leaves
/// the call to [`eval_call`]'s general path: another function, or an argument that is
/// not a number, which that path evaluates again (plans have no side effects but on
/// their own locals, which they set to the same values) and reports.
#[inline]
fn eval_numeric_call(f: Func, args: &[PlanArg], slots: &[Val], locals: &mut [Val]) -> Option<Eval> {
    let runtime = |m| Box::new(EvalError::runtime(m));
    match (f, args) {
        (Func::SafeDiv, [PlanArg::One(a), PlanArg::One(b)]) => {
            let (a, b) = match (operand(a, slots, locals), operand(b, slots, locals)) {
                (Ok(a), Ok(b)) => (a, b),
                (Err(e), _) | (_, Err(e)) => return Some(Err(e)),
            };
            match (number(&a), number(&b)) {
                (Ok(a), Ok(b)) => Some(crate::value::safe_div(a, b).map_err(runtime)),
                _ => None,
            }
        }
        (Func::Mean | Func::Sum | Func::Count, [PlanArg::Many(items)]) => {
            let mut xs: SmallVec<[Decimal; 8]> = SmallVec::with_capacity(items.len());
            for p in items {
                match operand(p, slots, locals).map(|v| number(&v)) {
                    Ok(Ok(Some(x))) => xs.push(x),
                    Ok(Ok(None)) => {}
                    Ok(Err(())) => return None,
                    Err(e) => return Some(Err(e)),
                }
            }
            Some(crate::value::aggregate(f, &xs).map_err(runtime))
        }
        _ => None,
    }
}

/// An argument of a provided function in a plan.
#[derive(Debug, Clone)]
pub(crate) enum PlanArg {
    One(Plan),
    Many(Vec<Plan>),
}

#[derive(Debug, Clone)]
enum Body {
    Plan(Plan),
    Rhai(Arc<AST>),
}

/// A compiled expression or script.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    body: Body,
    /// The usual one-step conditions and values, evaluated inline by
    /// [`Compiled::eval`] when the names they read hold numbers, with no call.
    inline: Option<Inline>,
    /// How many `let` locals a native plan uses.
    n_locals: usize,
    reads: Vec<Read>,
    /// Where it lives in the scheme, for errors.
    pub path: Arc<str>,
    /// The static type of the result, where known.
    pub ty: Ty,
}

/// One-step expressions that [`Compiled::eval`] evaluates inline on numbers: what
/// their plan computes, without running it.
#[derive(Debug, Clone, Copy)]
enum Inline {
    /// `name op constant` (`late_count > 3`, `complaints + 1`).
    NameOpConst(BinOp, usize, Decimal),
    /// `safe_div(name, name)` (`safe_div(profit, revenue)`).
    SafeDiv(usize, usize),
}

/// Why an evaluation failed.
#[derive(Debug, Clone)]
pub(crate) struct EvalError {
    pub code: ErrorCode,
    pub message: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

impl EvalError {
    fn runtime(message: impl Into<String>) -> Self {
        EvalError { code: ErrorCode::ScriptRuntime, message: message.into(), line: None, column: None }
    }

    /// The error as reported for an employee, pointing at the expression.
    pub fn into_error(self, path: &str) -> KaoheError {
        KaoheError::new(self.code, self.message).at(path).at_position(self.line, self.column)
    }
}

fn pos_parts(pos: Position) -> (Option<u32>, Option<u32>) {
    let conv = |x: Option<usize>| x.and_then(|v| u32::try_from(v).ok());
    (conv(pos.line()), conv(pos.position()))
}

fn to_dynamic(v: &Val) -> Dynamic {
    match v {
        Val::None => Dynamic::UNIT,
        Val::Num(d) => Dynamic::from_decimal(*d),
        Val::Bool(b) => Dynamic::from_bool(*b),
        Val::Text(t) => Dynamic::from(ImmutableString::from(&**t)),
        Val::Ratings(r) => {
            let mut map = rhai::Map::new();
            // A group given an empty list is no group (see `InputSpec::read_ratings`).
            for (group, xs) in r.iter().filter(|(_, xs)| !xs.is_empty()) {
                let arr: rhai::Array = xs.iter().map(|d| Dynamic::from_decimal(*d)).collect();
                map.insert(group.into(), Dynamic::from_array(arr));
            }
            Dynamic::from_map(map)
        }
    }
}

fn from_dynamic(d: Dynamic) -> Result<Val, String> {
    if d.is_unit() {
        return Ok(Val::None);
    }
    if let Ok(x) = d.as_decimal() {
        return Ok(Val::Num(x));
    }
    if let Ok(i) = d.as_int() {
        return Ok(Val::Num(Decimal::from(i)));
    }
    if let Ok(b) = d.as_bool() {
        return Ok(Val::Bool(b));
    }
    if d.is_string() {
        return Ok(Val::Text(Arc::from(d.into_immutable_string().unwrap_or_default().as_str())));
    }
    Err(format!("the result is {}, expected a number, a bool, text or ()", d.type_name()))
}

/// A Rhai argument: one value, or an array's elements.
enum DynArg {
    One(Val),
    Many(Vec<Val>),
}

fn dyn_arg(d: &Dynamic) -> Result<DynArg, Box<EvalAltResult>> {
    if d.is_array() {
        let arr = d.clone().into_array().map_err(|t| -> Box<EvalAltResult> { t.into() })?;
        let vals = arr.into_iter().map(from_dynamic).collect::<Result<Vec<_>, _>>()?;
        Ok(DynArg::Many(vals))
    } else {
        Ok(DynArg::One(from_dynamic(d.clone())?))
    }
}

fn call_from_rhai(f: Func, args: &[&Dynamic]) -> Result<Dynamic, Box<EvalAltResult>> {
    let owned = args.iter().map(|d| dyn_arg(d)).collect::<Result<Vec<_>, _>>()?;
    let args: Vec<Arg<'_>> = owned
        .iter()
        .map(|a| match a {
            DynArg::One(v) => Arg::One(v.clone()),
            DynArg::Many(vs) => Arg::Many(vs),
        })
        .collect();
    let v = crate::value::call(f, &args).map_err(|m| -> Box<EvalAltResult> { m.into() })?;
    Ok(to_dynamic(&v))
}

/// Builds the sandboxed engine: no packages beyond what formulas need, decimal numbers
/// (integer literals read as decimals), strict variables, no `eval`, no printing, no
/// modules or time (compiled out), and limits on operations, depth and sizes.
pub(crate) fn new_engine() -> Engine {
    let mut engine = Engine::new_raw();
    engine
        .set_strict_variables(true)
        .set_max_operations(MAX_OPERATIONS)
        .set_max_call_levels(MAX_CALL_LEVELS)
        .set_max_expr_depths(MAX_EXPR_DEPTH.0, MAX_EXPR_DEPTH.1)
        .set_max_string_size(MAX_STRING_SIZE)
        .set_max_array_size(MAX_ARRAY_SIZE)
        .set_max_map_size(MAX_MAP_SIZE)
        .set_max_variables(MAX_VARIABLES)
        // Registered operators must win over built-ins, so that a comparison with no
        // value has no value (Rhai's built-ins would say `() > 1` is false).
        .set_fast_operators(false)
        .set_max_functions(64);
    for symbol in ["eval", "print", "debug"] {
        engine.disable_symbol(symbol);
    }
    // Integer literals are decimals: `4 / 5` is 0.8, not 0.
    #[allow(deprecated)] // volatile, not deprecated: see the method's note
    engine.on_parse_token(|token, _, _| match token {
        Token::IntegerConstant(i) => Token::DecimalConstant(Box::new((Decimal::from(i), i.to_string().into()))),
        other => other,
    });

    // `for x in [a, b, c]` iterates arrays.
    engine.register_iterator::<rhai::Array>();

    // Unary operators on decimals and booleans.
    engine.register_fn("-", |x: Decimal| -x);
    engine.register_fn("+", |x: Decimal| x);
    engine.register_fn("!", |x: bool| !x);
    engine.register_fn("-", |_: ()| ());
    engine.register_fn("!", |_: ()| ());

    // No value propagates through operators.
    for op in ["+", "-", "*", "/", "%", "<", "<=", ">", ">=", "==", "!="] {
        engine.register_fn(op, |_: (), _: Decimal| ());
        engine.register_fn(op, |_: Decimal, _: ()| ());
        engine.register_fn(op, |_: (), _: ()| ());
    }

    // The provided functions, shared with native plans.
    for f in Func::ALL {
        match f {
            Func::SafeDiv | Func::Min | Func::Max => {
                engine.register_fn(f.name(), move |a: Dynamic, b: Dynamic| call_from_rhai(f, &[&a, &b]));
            }
            Func::Clamp => {
                engine
                    .register_fn(f.name(), move |a: Dynamic, b: Dynamic, c: Dynamic| call_from_rhai(f, &[&a, &b, &c]));
            }
            Func::Round => {
                engine.register_fn(f.name(), move |a: Dynamic| call_from_rhai(f, &[&a]));
                engine.register_fn(f.name(), move |a: Dynamic, b: Dynamic| call_from_rhai(f, &[&a, &b]));
            }
            Func::Abs | Func::Mean | Func::Sum | Func::Count => {}
        }
        if matches!(f, Func::Abs | Func::Mean | Func::Sum | Func::Count | Func::Min | Func::Max) {
            engine.register_fn(f.name(), move |a: Dynamic| call_from_rhai(f, &[&a]));
        }
    }
    engine
}

/// Names allowed as function calls besides the provided functions and the script's own `fn`s.
const LANGUAGE_FUNCTIONS: [&str; 1] = ["type_of"];

/// The operators a script may use (Rhai represents them as calls).
fn operator(name: &str, arity: usize) -> Option<OpKind> {
    Some(match (name, arity) {
        ("+", 2) => OpKind::Bin(BinOp::Add),
        ("-", 2) => OpKind::Bin(BinOp::Sub),
        ("*", 2) => OpKind::Bin(BinOp::Mul),
        ("/", 2) => OpKind::Bin(BinOp::Div),
        ("%", 2) => OpKind::Bin(BinOp::Rem),
        ("<", 2) => OpKind::Bin(BinOp::Lt),
        ("<=", 2) => OpKind::Bin(BinOp::Le),
        (">", 2) => OpKind::Bin(BinOp::Gt),
        (">=", 2) => OpKind::Bin(BinOp::Ge),
        ("==", 2) => OpKind::Bin(BinOp::Eq),
        ("!=", 2) => OpKind::Bin(BinOp::Ne),
        ("-", 1) => OpKind::Neg,
        ("+", 1) => OpKind::Pos,
        ("!", 1) => OpKind::Not,
        _ => return None,
    })
}

enum OpKind {
    Bin(BinOp),
    Neg,
    Pos,
    Not,
}

/// Compiles expressions of one scheme against its table of names.
pub(crate) struct Compiler<'a> {
    pub engine: &'a Engine,
    pub names: &'a HashMap<String, NameInfo>,
    scope: Scope<'static>,
    /// Whether to build native plans (tests turn it off to compare with Rhai).
    native: bool,
}

/// Locals in scope while planning a script: (name, local index, type).
#[derive(Default)]
struct Locals {
    names: Vec<(ImmutableString, usize, Ty)>,
    count: usize,
}

impl<'a> Compiler<'a> {
    /// A compiler for the given names (inputs, derived values, `actual`).
    pub fn new(engine: &'a Engine, names: &'a HashMap<String, NameInfo>) -> Self {
        let mut scope = Scope::new();
        for name in names.keys() {
            // Variables, not constants: the optimizer must not fold their compile-time `()`.
            scope.push_dynamic(name.clone(), Dynamic::UNIT);
        }
        Compiler { engine, names, scope, native: true }
    }

    /// A compiler that keeps every expression in Rhai (to check native plans against).
    #[cfg(test)]
    pub fn rhai_only(mut self) -> Self {
        self.native = false;
        self
    }

    /// Compiles `src` found at `path`. `allowed` limits which names it may read
    /// (`None`: every name the compiler knows).
    pub fn compile(
        &self,
        src: &str,
        path: &str,
        allowed: Option<&dyn Fn(&str) -> bool>,
    ) -> Result<Compiled, Vec<KaoheError>> {
        let ast = self.engine.compile_with_scope(&self.scope, src).map_err(|e| {
            let (line, column) = pos_parts(e.position());
            let (code, message) = match e.err_type() {
                ParseErrorType::VariableUndefined(name) => (
                    ErrorCode::UnknownName,
                    format!("'{name}' is not an input, a derived value nor a provided function"),
                ),
                other => (ErrorCode::ScriptCompile, format!("the expression does not parse: {other}")),
            };
            vec![KaoheError::new(code, message).at(path).at_position(line, column)]
        })?;

        let own_fns: Vec<String> = ast.iter_functions().map(|f| f.name.to_string()).collect();
        let mut errors = Vec::new();
        let mut reads: Vec<Read> = Vec::new();
        ast.walk(&mut |nodes: &[ASTNode]| {
            let call = match nodes.last() {
                Some(ASTNode::Stmt(Stmt::FnCall(call, pos))) => Some((call, pos)),
                Some(ASTNode::Expr(Expr::FnCall(call, pos) | Expr::MethodCall(call, pos))) => Some((call, pos)),
                _ => None,
            };
            if let Some((call, pos)) = call {
                let name = call.name.as_str();
                let known = call.op_token.is_some()
                    || operator(name, call.args.len()).is_some()
                    || Func::from_name(name).is_some()
                    || LANGUAGE_FUNCTIONS.contains(&name)
                    || own_fns.iter().any(|f| f == name);
                if !known {
                    let (line, column) = pos_parts(*pos);
                    errors.push(
                        KaoheError::new(
                            ErrorCode::UnknownName,
                            format!(
                                "'{name}' is not a provided function (use safe_div, min, max, clamp, abs, round, mean, sum or count)"
                            ),
                        )
                        .at(path)
                        .at_position(line, column),
                    );
                }
                return true;
            }
            let Some(ASTNode::Expr(Expr::Variable(x, _, pos))) = nodes.last() else { return true };
            let name = &x.1;
            if let Some(info) = self.names.get(name.as_str()) {
                if allowed.is_some_and(|ok| !ok(name)) {
                    let (line, column) = pos_parts(*pos);
                    errors.push(
                        KaoheError::new(ErrorCode::UnknownName, format!("'{name}' cannot be used here"))
                            .at(path)
                            .at_position(line, column),
                    );
                    return true;
                }
                let strict = !inside_aggregate(&nodes[..nodes.len() - 1]);
                match reads.iter_mut().find(|r| r.slot == info.slot) {
                    Some(r) => r.strict |= strict,
                    None => reads.push(Read { slot: info.slot, name: name.clone(), strict }),
                }
            }
            true
        });
        if !errors.is_empty() {
            return Err(errors);
        }

        let mut locals = Locals::default();
        let plan = if !self.native || ast.iter_functions().next().is_some() {
            None
        } else {
            match ast.statements() {
                // A bare name of any type is read straight from its slot.
                [Stmt::Expr(e)] if matches!(**e, Expr::Variable(..)) => match &**e {
                    Expr::Variable(x, _, _) => self.names.get(x.1.as_str()).map(|i| (Plan::Slot(i.slot), i.ty)),
                    _ => None,
                },
                stmts => self.plan_block(stmts, &mut locals),
            }
        };
        let (body, ty) = match plan {
            Some((plan, ty)) => (Body::Plan(plan), ty),
            None => (Body::Rhai(Arc::new(ast)), Ty::Other),
        };
        let inline = match &body {
            Body::Plan(Plan::Bin(op, a, b)) => match (&**a, &**b) {
                (Plan::Slot(i), Plan::Const(Val::Num(c))) => Some(Inline::NameOpConst(*op, *i, *c)),
                _ => None,
            },
            Body::Plan(Plan::Call(Func::SafeDiv, args)) => match &args[..] {
                [PlanArg::One(Plan::Slot(a)), PlanArg::One(Plan::Slot(b))] => Some(Inline::SafeDiv(*a, *b)),
                _ => None,
            },
            _ => None,
        };
        Ok(Compiled { body, inline, n_locals: locals.count, reads, path: Arc::from(path), ty })
    }

    /// Plans a statement block: `let` bindings, then one final expression or `if`.
    fn plan_block(&self, stmts: &[Stmt], locals: &mut Locals) -> Option<(Plan, Ty)> {
        let Some((last, lets)) = stmts.split_last() else {
            return Some((Plan::Const(Val::None), Ty::Num));
        };
        let scope_mark = locals.names.len();
        let mut bound = Vec::with_capacity(lets.len());
        for st in lets {
            let Stmt::Var(x, _, _) = st else { return None };
            let (p, ty) = self.plan(&x.1, locals)?;
            let idx = locals.count;
            locals.count += 1;
            locals.names.push((x.0.name.clone(), idx, ty));
            bound.push((idx, p));
        }
        let result = match last {
            Stmt::Expr(e) => self.plan(e, locals),
            Stmt::FnCall(call, _) => self.plan_call(call, locals),
            Stmt::If(flow, _) => self.plan_if(flow, locals),
            Stmt::Block(block) => self.plan_block(block.statements(), locals),
            _ => None,
        };
        locals.names.truncate(scope_mark);
        let (p, ty) = result?;
        Some(if bound.is_empty() { (p, ty) } else { (Plan::Block(bound, Box::new(p)), ty) })
    }

    fn plan_if(&self, flow: &rhai::FlowControl, locals: &mut Locals) -> Option<(Plan, Ty)> {
        let (cond, tc) = self.plan(&flow.expr, locals)?;
        if tc != Ty::Bool {
            return None;
        }
        let (then, tt) = self.plan_block(flow.body.statements(), locals)?;
        let (other, to) = if flow.branch.is_empty() {
            (Plan::Const(Val::None), tt)
        } else {
            self.plan_block(flow.branch.statements(), locals)?
        };
        let no_value = |p: &Plan| matches!(p, Plan::Const(Val::None));
        let ty = if tt == to || no_value(&other) {
            tt
        } else if no_value(&then) {
            to
        } else {
            return None;
        };
        Some((Plan::If(Box::new(cond), Box::new(then), Box::new(other)), ty))
    }

    fn plan(&self, expr: &Expr, locals: &mut Locals) -> Option<(Plan, Ty)> {
        match expr {
            Expr::Variable(x, _, _) => {
                if let Some((_, idx, ty)) = locals.names.iter().rev().find(|(n, _, _)| *n == x.1) {
                    return Some((Plan::Local(*idx), *ty));
                }
                let info = self.names.get(x.1.as_str())?;
                (info.ty != Ty::Other).then_some((Plan::Slot(info.slot), info.ty))
            }
            Expr::IntegerConstant(i, _) => Some((Plan::Const(Val::Num(Decimal::from(*i))), Ty::Num)),
            Expr::BoolConstant(b, _) => Some((Plan::Const(Val::Bool(*b)), Ty::Bool)),
            Expr::DynamicConstant(d, _) => d.as_decimal().ok().map(|x| (Plan::Const(Val::Num(x)), Ty::Num)),
            Expr::Unit(_) => Some((Plan::Const(Val::None), Ty::Num)),
            Expr::And(xs, _) | Expr::Or(xs, _) => {
                let mut parts = Vec::with_capacity(xs.len());
                for x in xs.iter() {
                    let (p, ty) = self.plan(x, locals)?;
                    if ty != Ty::Bool {
                        return None;
                    }
                    parts.push(p);
                }
                Some((if matches!(expr, Expr::And(..)) { Plan::And(parts) } else { Plan::Or(parts) }, Ty::Bool))
            }
            Expr::FnCall(call, _) => self.plan_call(call, locals),
            Expr::Stmt(block) => self.plan_block(block.statements(), locals),
            _ => None,
        }
    }

    fn plan_call(&self, call: &FnCallExpr, locals: &mut Locals) -> Option<(Plan, Ty)> {
        let name = call.name.as_str();
        let args = &call.args;
        if let Some(op) = operator(name, args.len()) {
            let (a, ta) = self.plan(&args[0], locals)?;
            return match op {
                OpKind::Neg => (ta == Ty::Num).then(|| (Plan::Neg(Box::new(a)), Ty::Num)),
                OpKind::Pos => (ta == Ty::Num).then_some((a, Ty::Num)),
                OpKind::Not => (ta == Ty::Bool).then(|| (Plan::Not(Box::new(a)), Ty::Bool)),
                OpKind::Bin(op) => {
                    let (b, tb) = self.plan(&args[1], locals)?;
                    let ty = match op {
                        BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => {
                            (ta == Ty::Num && tb == Ty::Num).then_some(Ty::Num)?
                        }
                        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                            (ta == Ty::Num && tb == Ty::Num).then_some(Ty::Bool)?
                        }
                        BinOp::Eq | BinOp::Ne => (ta == tb).then_some(Ty::Bool)?,
                    };
                    Some((Plan::Bin(op, Box::new(a), Box::new(b)), ty))
                }
            };
        }
        let f = Func::from_name(name)?;
        let mut out = Vec::with_capacity(args.len());
        for a in args.iter() {
            match a {
                Expr::Array(items, _) => {
                    if !f.is_aggregate() {
                        return None;
                    }
                    let mut many = Vec::with_capacity(items.len());
                    for item in items.iter() {
                        let (p, ty) = self.plan(item, locals)?;
                        if ty != Ty::Num {
                            return None;
                        }
                        many.push(p);
                    }
                    out.push(PlanArg::Many(many));
                }
                Expr::DynamicConstant(d, _) if d.is_array() => return None,
                other => {
                    let (p, ty) = self.plan(other, locals)?;
                    if ty != Ty::Num {
                        return None;
                    }
                    out.push(PlanArg::One(p));
                }
            }
        }
        Some((Plan::Call(f, out), Ty::Num))
    }
}

fn inside_aggregate(ancestors: &[ASTNode]) -> bool {
    ancestors.iter().any(|n| match n {
        ASTNode::Expr(Expr::FnCall(call, _)) | ASTNode::Stmt(Stmt::FnCall(call, _)) => {
            Func::from_name(call.name.as_str()).is_some_and(Func::is_aggregate)
        }
        _ => false,
    })
}

/// Reusable memory for evaluations (one per thread): Rhai's scope and plan locals.
#[derive(Debug, Default)]
pub(crate) struct EvalScratch {
    scope: Scope<'static>,
    locals: Vec<Val>,
}

impl Compiled {
    /// The names this expression reads.
    pub fn reads(&self) -> &[Read] {
        &self.reads
    }

    /// Whether this is a bare native plan (no Rhai at run time).
    pub fn is_native(&self) -> bool {
        matches!(self.body, Body::Plan(_))
    }

    /// The slot of a bare name (`"value": "orders"`): read as it is, nothing to run.
    #[inline]
    pub fn slot(&self) -> Option<usize> {
        match &self.body {
            Body::Plan(Plan::Slot(i)) => Some(*i),
            _ => None,
        }
    }

    /// Evaluates over the employee's slots, reusing `scratch` between calls.
    #[inline(always)]
    pub fn eval(&self, engine: &Engine, slots: &[Val], scratch: &mut EvalScratch) -> Eval {
        if let Body::Plan(Plan::Slot(i)) = &self.body {
            // A bare name (most indicator values): its value, or no value, inline in the
            // caller (the value stays in registers).
            return Ok(slots[*i].clone());
        }
        // What the plan computes when the names hold numbers (any other value, or
        // none, takes the general path).
        match self.inline {
            Some(Inline::NameOpConst(op, i, c)) => {
                if let Val::Num(x) = slots[i] {
                    return numeric(op, x, c);
                }
            }
            Some(Inline::SafeDiv(a, b)) => {
                if let (Val::Num(x), Val::Num(y)) = (&slots[a], &slots[b]) {
                    return crate::value::safe_div(Some(*x), Some(*y)).map_err(|m| Box::new(EvalError::runtime(m)));
                }
            }
            None => {}
        }
        self.run(engine, slots, scratch)
    }

    /// [`Compiled::eval`] of anything but a bare name.
    #[inline(never)]
    fn run(&self, engine: &Engine, slots: &[Val], scratch: &mut EvalScratch) -> Eval {
        if self.reads.iter().any(|r| r.strict && slots[r.slot].is_none()) {
            return Ok(Val::None);
        }
        match &self.body {
            Body::Plan(p) => {
                let locals = &mut scratch.locals;
                if self.n_locals > 0 {
                    locals.clear();
                    locals.resize(self.n_locals, Val::None);
                }
                eval_plan(p, slots, locals)
            }
            Body::Rhai(ast) => {
                let scope = &mut scratch.scope;
                scope.clear();
                for r in &self.reads {
                    scope.push_constant_dynamic(r.name.clone(), to_dynamic(&slots[r.slot]));
                }
                match engine.eval_ast_with_scope::<Dynamic>(scope, ast) {
                    Ok(d) => from_dynamic(d).map_err(|m| Box::new(EvalError::runtime(m))),
                    Err(e) => Err(Box::new(eval_error(*e))),
                }
            }
        }
    }
}

fn eval_error(e: EvalAltResult) -> EvalError {
    let e = match e {
        EvalAltResult::ErrorInFunctionCall(_, _, inner, _) => return eval_error(*inner),
        other => other,
    };
    let (line, column) = pos_parts(e.position());
    let code = match &e {
        EvalAltResult::ErrorTooManyOperations(_)
        | EvalAltResult::ErrorStackOverflow(_)
        | EvalAltResult::ErrorDataTooLarge(..)
        | EvalAltResult::ErrorTooManyVariables(_)
        | EvalAltResult::ErrorTerminated(..) => ErrorCode::ScriptLimit,
        _ => ErrorCode::ScriptRuntime,
    };
    let message = match &e {
        EvalAltResult::ErrorTooManyOperations(_) => {
            format!("the script ran more than {MAX_OPERATIONS} operations and was stopped (an endless loop?)")
        }
        other => other.to_string().split(" (line").next().unwrap_or_default().to_owned(),
    };
    EvalError { code, message, line, column }
}

fn arith(op: BinOp, a: Decimal, b: Decimal) -> Result<Decimal, EvalError> {
    let r = match op {
        BinOp::Add => a.checked_add(b),
        BinOp::Sub => a.checked_sub(b),
        BinOp::Mul => crate::num::checked_mul(a, b),
        BinOp::Div | BinOp::Rem if b.is_zero() => {
            return Err(EvalError::runtime("Division by zero"));
        }
        BinOp::Div => crate::num::checked_div(a, b),
        BinOp::Rem => a.checked_rem(b),
        _ => None,
    };
    r.ok_or_else(|| EvalError::runtime(format!("Arithmetic overflow: {a} and {b}")))
}

fn boolean(v: Val) -> Result<bool, Box<EvalError>> {
    match v {
        Val::Bool(b) => Ok(b),
        other => {
            Err(Box::new(EvalError::runtime(format!("a condition must be true or false, not {}", other.type_name()))))
        }
    }
}

/// What evaluating an expression gives: its value, or why it failed (boxed, so that
/// the result of every step stays small).
pub(crate) type Eval = Result<Val, Box<EvalError>>;

/// A plan's value, with the leaves (a constant, a name, a local) read right here
/// rather than through another call of [`eval_plan`].
#[inline(always)]
fn operand(p: &Plan, slots: &[Val], locals: &mut [Val]) -> Eval {
    match p {
        Plan::Const(v) => Ok(v.clone()),
        Plan::Slot(i) => Ok(slots[*i].clone()),
        Plan::Local(i) => Ok(locals[*i].clone()),
        _ => eval_plan(p, slots, locals),
    }
}

/// The number a constant, a name or a local holds; `None` for any other plan or value.
#[inline(always)]
fn number_at(p: &Plan, slots: &[Val], locals: &[Val]) -> Option<Decimal> {
    let v = match p {
        Plan::Const(v) => v,
        Plan::Slot(i) => &slots[*i],
        Plan::Local(i) => &locals[*i],
        _ => return None,
    };
    if let Val::Num(d) = v { Some(*d) } else { None }
}

/// A binary operator on two numbers.
#[inline]
fn numeric(op: BinOp, x: Decimal, y: Decimal) -> Eval {
    Ok(match op {
        BinOp::Lt => Val::Bool(crate::num::lt(x, y)),
        BinOp::Le => Val::Bool(crate::num::le(x, y)),
        BinOp::Gt => Val::Bool(crate::num::lt(y, x)),
        BinOp::Ge => Val::Bool(crate::num::le(y, x)),
        BinOp::Eq => Val::Bool(crate::num::cmp(x, y).is_eq()),
        BinOp::Ne => Val::Bool(crate::num::cmp(x, y).is_ne()),
        _ => Val::Num(arith(op, x, y).map_err(Box::new)?),
    })
}

fn eval_plan(p: &Plan, slots: &[Val], locals: &mut [Val]) -> Eval {
    Ok(match p {
        Plan::Const(v) => v.clone(),
        Plan::Slot(i) => slots[*i].clone(),
        Plan::Local(i) => locals[*i].clone(),
        Plan::Block(lets, result) => {
            for (idx, value) in lets {
                locals[*idx] = operand(value, slots, locals)?;
            }
            operand(result, slots, locals)?
        }
        Plan::If(cond, then, other) => {
            if boolean(operand(cond, slots, locals)?)? {
                operand(then, slots, locals)?
            } else {
                operand(other, slots, locals)?
            }
        }
        Plan::Neg(x) => match operand(x, slots, locals)? {
            Val::Num(d) => Val::Num(-d),
            _ => Val::None,
        },
        Plan::Not(x) => match operand(x, slots, locals)? {
            Val::Bool(b) => Val::Bool(!b),
            _ => Val::None,
        },
        Plan::Bin(op, a, b) => {
            // Names, locals and constants that hold numbers (`late_count > 3`,
            // `actual * 0.2`) are read as decimals, with no values cloned and dropped.
            if let (Some(x), Some(y)) = (number_at(a, slots, locals), number_at(b, slots, locals)) {
                return numeric(*op, x, y);
            }
            let (a, b) = (operand(a, slots, locals)?, operand(b, slots, locals)?);
            match (a, b) {
                (Val::Num(x), Val::Num(y)) => return numeric(*op, x, y),
                (Val::Bool(x), Val::Bool(y)) => match op {
                    BinOp::Eq => Val::Bool(x == y),
                    BinOp::Ne => Val::Bool(x != y),
                    _ => Val::None,
                },
                _ => Val::None,
            }
        }
        Plan::And(xs) | Plan::Or(xs) => {
            let want = matches!(p, Plan::Or(_));
            for x in xs {
                if boolean(operand(x, slots, locals)?)? == want {
                    return Ok(Val::Bool(want));
                }
            }
            Val::Bool(!want)
        }
        Plan::Call(f, args) => return eval_call(*f, args, slots, locals),
    })
}

/// A call of a provided function, apart from [`eval_plan`] so that its argument
/// buffers do not weigh on every other step's stack frame.
#[inline(never)]
fn eval_call(f: Func, args: &[PlanArg], slots: &[Val], locals: &mut [Val]) -> Eval {
    if let Some(v) = eval_numeric_call(f, args, slots, locals) {
        return v;
    }
    // Every value evaluated in order into one buffer, then the arguments as views of
    // it: no allocation for the usual handful of arguments.
    let mut flat: SmallVec<[Val; 8]> = SmallVec::new();
    for a in args {
        match a {
            PlanArg::One(p) => flat.push(operand(p, slots, locals)?),
            PlanArg::Many(ps) => {
                for p in ps {
                    flat.push(operand(p, slots, locals)?);
                }
            }
        }
    }
    let mut at = 0;
    let mut vals: SmallVec<[Arg<'_>; 4]> = SmallVec::with_capacity(args.len());
    for a in args {
        match a {
            PlanArg::One(_) => {
                vals.push(Arg::One(flat[at].clone()));
                at += 1;
            }
            PlanArg::Many(ps) => {
                vals.push(Arg::Many(&flat[at..at + ps.len()]));
                at += ps.len();
            }
        }
    }
    crate::value::call(f, &vals).map_err(|m| Box::new(EvalError::runtime(m)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_see_no_group_given_an_empty_list() {
        let mut r = crate::value::Ratings::default();
        r.push("peer", []);
        r.push("manager", [Decimal::from(4)]);
        let d = to_dynamic(&Val::Ratings(Arc::new(r)));
        let keys: Vec<String> = d.cast::<rhai::Map>().keys().map(ToString::to_string).collect();
        assert_eq!(keys, ["manager"]);
    }

    fn names() -> HashMap<String, NameInfo> {
        let mut m = HashMap::new();
        m.insert("a".into(), NameInfo { slot: 0, ty: Ty::Num });
        m.insert("b".into(), NameInfo { slot: 1, ty: Ty::Num });
        m.insert("flag".into(), NameInfo { slot: 2, ty: Ty::Bool });
        m.insert("dept".into(), NameInfo { slot: 3, ty: Ty::Other });
        m
    }

    fn slots(a: Option<i64>, b: Option<i64>) -> Vec<Val> {
        vec![
            a.map_or(Val::None, |x| Val::Num(Decimal::from(x))),
            b.map_or(Val::None, |x| Val::Num(Decimal::from(x))),
            Val::Bool(true),
            Val::Text(Arc::from("sales")),
        ]
    }

    /// `src` compiled over the names `a`, `b`, `flag`… (native where it can be, or
    /// for Rhai only), with its engine.
    fn compiled(src: &str, native: bool) -> (Engine, Compiled) {
        let engine = new_engine();
        let names = names();
        let mut c = Compiler::new(&engine, &names);
        if !native {
            c = c.rhai_only();
        }
        let compiled = c.compile(src, "t", None).unwrap_or_else(|e| panic!("{src}: {e:?}"));
        (engine, compiled)
    }

    fn run_with(src: &str, s: &[Val], native: bool) -> (bool, Result<Val, EvalError>) {
        let (engine, compiled) = compiled(src, native);
        (compiled.is_native(), compiled.eval(&engine, s, &mut EvalScratch::default()).map_err(|e| *e))
    }

    fn run(src: &str, s: &[Val]) -> (bool, Result<Val, EvalError>) {
        run_with(src, s, true)
    }

    fn num(v: &Result<Val, EvalError>) -> String {
        match v {
            Ok(Val::Num(d)) => d.normalize().to_string(),
            Err(e) => format!("error {:?}", e.code),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn native_and_rhai_agree() {
        for s in [slots(Some(4), Some(5)), slots(Some(-7), Some(3)), slots(Some(0), Some(5))] {
            for src in [
                "a / b",
                "safe_div(a, b) * 100",
                "clamp(a * 3 - b, 0, 6)",
                "-a + abs(0 - b)",
                "max(a, b) - min([a, b, 7])",
                "round(a / 3, 2)",
                "mean([a, b]) + sum([a, b]) + count([a, b])",
                "a % 3",
                "let m = mean([a, b]); if m >= 4 { 1.0 } else { m / 4 }",
                "let x = a * 2; let y = x + b; y - 1",
                "if a > b { a } else if a == b { 0 } else { b }",
                "if flag && a > 0 { 1 }",
                "let t = safe_div(b, a); if t > 1 { 2 } else { t }",
            ] {
                let (native, v) = run(src, &s);
                assert!(native, "{src} should be native");
                let (rhai, w) = run_with(src, &s, false);
                assert!(!rhai);
                assert_eq!(num(&v), num(&w), "{src} with {s:?}");
            }
        }
        assert_eq!(num(&run("a / b", &slots(Some(4), Some(5))).1), "0.8");
    }

    /// `name op constant` is evaluated inline when the name holds a number: the same
    /// value (or error) as Rhai gives, for every operator, and no value for no value.
    #[test]
    fn name_op_constant_agrees_with_rhai() {
        for s in [slots(Some(4), Some(5)), slots(Some(-7), None), slots(Some(0), Some(3))] {
            for op in ["+", "-", "*", "/", "%", "<", "<=", ">", ">=", "==", "!="] {
                for c in ["3", "0", "2.5", "-4"] {
                    for name in ["a", "b"] {
                        let src = format!("{name} {op} {c}");
                        let (engine, compiled) = compiled(&src, true);
                        assert!(matches!(compiled.inline, Some(Inline::NameOpConst(..))), "{src} is evaluated inline");
                        let v = compiled.eval(&engine, &s, &mut EvalScratch::default()).map_err(|e| *e);
                        let (_, w) = run_with(&src, &s, false);
                        match (&v, &w) {
                            (Ok(Val::Bool(x)), Ok(Val::Bool(y))) => assert_eq!(x, y, "{src} with {s:?}"),
                            (Ok(Val::None), Ok(Val::None)) => {}
                            (Ok(_), Ok(_)) => assert_eq!(num(&v), num(&w), "{src} with {s:?}"),
                            (Err(e), Err(f)) => assert_eq!(e.code, f.code, "{src} with {s:?}"),
                            _ => panic!("{src} with {s:?}: {v:?} against {w:?}"),
                        }
                    }
                }
            }
        }
    }

    /// `safe_div(name, name)` is evaluated inline on numbers: what Rhai gives, a zero
    /// divisor and no value included.
    #[test]
    fn safe_div_of_two_names_agrees_with_rhai() {
        for s in [slots(Some(4), Some(5)), slots(Some(-7), None), slots(Some(0), Some(3)), slots(Some(3), Some(0))] {
            for src in ["safe_div(a, b)", "safe_div(b, a)"] {
                let (engine, compiled) = compiled(src, true);
                assert!(matches!(compiled.inline, Some(Inline::SafeDiv(..))), "{src} is evaluated inline");
                let v = compiled.eval(&engine, &s, &mut EvalScratch::default()).map_err(|e| *e);
                let (_, w) = run_with(src, &s, false);
                assert_eq!(num(&v), num(&w), "{src} with {s:?}");
            }
        }
    }

    #[test]
    fn no_value_propagates() {
        let s = slots(Some(4), None);
        assert!(matches!(run("a + b", &s).1, Ok(Val::None)));
        assert!(matches!(run("safe_div(a, 0) * 100", &s).1, Ok(Val::None)));
        assert!(matches!(run("let x = safe_div(a, 0); x * 100", &s).1, Ok(Val::None)));
        assert_eq!(num(&run("mean([a, b])", &s).1), "4");
        assert_eq!(num(&run("count([a, b])", &s).1), "1");
    }

    /// Calls on numbers take a path of their own in native plans; a value that is not
    /// a number (text is typed, so these go to Rhai) gets the same message either way.
    #[test]
    fn calls_on_values_that_are_not_numbers() {
        let s = slots(Some(4), Some(5));
        for src in
            ["mean([a, dept])", "sum([dept, b])", "count([a, b, dept])", "safe_div(dept, a)", "safe_div(a, dept)"]
        {
            let f = src.split('(').next().unwrap_or_default();
            let message = run(src, &s).1.err().map(|e| (e.code, e.message));
            let want = format!("Runtime error: {f}() expects numbers, got text");
            assert_eq!(message, Some((ErrorCode::ScriptRuntime, want)), "{src}");
        }
        let (native, v) = run("sum([a, b]) + count([a, b]) + safe_div(b, a)", &s);
        assert!(native);
        assert_eq!(num(&v), "12.25");
    }

    #[test]
    fn booleans_and_text() {
        let s = slots(Some(4), Some(5));
        let (native, v) = run("a > 3 && flag", &s);
        assert!(native);
        assert!(matches!(v, Ok(Val::Bool(true))));
        let (native, v) = run("dept == \"sales\"", &s);
        assert!(!native);
        assert!(matches!(v, Ok(Val::Bool(true))));
        assert!(matches!(run("!flag || a < 0", &s).1, Ok(Val::Bool(false))));
    }

    #[test]
    fn runtime_errors_and_limits() {
        let s = slots(Some(4), Some(0));
        let e = run("a / b", &s).1.err().map(|e| e.code);
        assert_eq!(e, Some(ErrorCode::ScriptRuntime));
        let e = run("let x = a; x / b", &s).1.err().map(|e| e.code);
        assert_eq!(e, Some(ErrorCode::ScriptRuntime));
        let e = run_with("let x = a; x / b", &s, false).1.err().map(|e| e.code);
        assert_eq!(e, Some(ErrorCode::ScriptRuntime));
        // A condition with no value is an error in both paths.
        let e = run("if safe_div(a, b) > 1 { 1 } else { 0 }", &s).1.err().map(|e| e.code);
        assert_eq!(e, Some(ErrorCode::ScriptRuntime));
        let e = run_with("if safe_div(a, b) > 1 { 1 } else { 0 }", &s, false).1.err().map(|e| e.code);
        assert_eq!(e, Some(ErrorCode::ScriptRuntime));
        let (native, v) = run("let hit = 0; for x in [a, b, 7] { if x > 3 { hit += 1; } } hit", &s);
        assert!(!native);
        assert_eq!(num(&v), "2");
        let e = run("loop { }", &s).1.err().map(|e| e.code);
        assert_eq!(e, Some(ErrorCode::ScriptLimit));
        let e = run("fn f(x) { f(x) } f(1)", &s).1.err().map(|e| e.code);
        assert_eq!(e, Some(ErrorCode::ScriptLimit));
    }

    #[test]
    fn compile_errors_have_positions() {
        let engine = new_engine();
        let names = names();
        let c = Compiler::new(&engine, &names);
        let e = c.compile("a +\n  zz", "derived.x", None).err().unwrap_or_default();
        assert_eq!(e[0].code, ErrorCode::UnknownName);
        assert_eq!((e[0].line, e[0].column), (Some(2), Some(3)));
        let e = c.compile("a * * 2", "derived.x", None).err().unwrap_or_default();
        assert_eq!(e[0].code, ErrorCode::ScriptCompile);
        let e = c.compile("print(a)", "derived.x", None).err().unwrap_or_default();
        assert!(!e.is_empty());
        let e = c.compile("sqrt(a)", "derived.x", None).err().unwrap_or_default();
        assert_eq!(e[0].code, ErrorCode::UnknownName);
        let e = c.compile("eval(\"a\")", "derived.x", None).err().unwrap_or_default();
        assert!(!e.is_empty());
    }
}
