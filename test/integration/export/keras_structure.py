"""Reads an exported Keras model.py without TensorFlow (ast only) and prints its layers as JSON:
[{var, cls, args, kwargs, inputs}] in code order, plus the keras.Model / keras.Sequential call."""
import ast
import json
import sys


def literal(node):
    try:
        return ast.literal_eval(node)
    except ValueError:
        return {'unparsed': ast.unparse(node)}


def names(node):
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [n for e in node.elts for n in names(e)]
    return []


def layer_call(call):
    """layers.X(...) or keras.Input(...) -> its description, else None."""
    f = call.func
    if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in ('layers', 'keras'):
        if f.value.id == 'keras' and f.attr != 'Input':
            return None
        return {'cls': 'InputLayer' if f.attr == 'Input' else f.attr,
                'args': [literal(a) for a in call.args],
                'kwargs': {k.arg: literal(k.value) for k in call.keywords}}
    return None


tree = ast.parse(open(sys.argv[1]).read())
build = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == 'build_model')
out = {'layers': [], 'model': None}
for stmt in build.body:
    if not isinstance(stmt, ast.Assign):
        continue
    target = stmt.targets[0].id
    value = stmt.value
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Call):  # layers.X(...)(inputs)
        d = layer_call(value.func)
        d.update(var=target, inputs=names(value.args[0]))
        out['layers'].append(d)
    elif isinstance(value, ast.Call) and layer_call(value) and layer_call(value)['cls'] == 'InputLayer':
        d = layer_call(value)
        d.update(var=target, inputs=[])
        out['layers'].append(d)
    elif isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr in ('Model', 'Sequential'):
        kind = value.func.attr
        if kind == 'Sequential':
            for e in value.args[0].elts:
                d = layer_call(e)
                d.update(var=None, inputs=[])
                out['layers'].append(d)
        kw = {k.arg: k.value for k in value.keywords}
        out['model'] = {'kind': kind, 'inputs': names(kw['inputs']) if 'inputs' in kw else [],
                        'outputs': names(kw['outputs']) if 'outputs' in kw else [],
                        'name': literal(kw['name']) if 'name' in kw else None}
print(json.dumps(out))
